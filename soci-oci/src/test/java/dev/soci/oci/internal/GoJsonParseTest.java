package dev.soci.oci.internal;

import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MalformedJsonException;
import dev.soci.oci.OciException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GoJsonParseTest {
  private static final String D = "sha256:" + "a".repeat(64);

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void unknownFieldsAreIgnoredAndDroppedOnWrite() throws Exception {
    String in = "{\"schemaVersion\":2,\"extra\":{\"x\":[1,2]},\"config\":{\"mediaType\":\"c\","
        + "\"digest\":\"" + D + "\",\"size\":2,\"foo\":1},\"layers\":[]}";
    assertThat(new String(ImageManifest.parse(b(in)).toJson(), StandardCharsets.UTF_8))
        .isEqualTo("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"c\",\"digest\":\"" + D
            + "\",\"size\":2},\"layers\":[]}");
  }

  @Test
  void fieldNamesMatchCaseInsensitivelyAndNullMeansAbsent() throws Exception {
    String in = "{\"SchemaVersion\":2,\"MEDIATYPE\":\"m\",\"annotations\":null,"
        + "\"manifests\":null}";
    ImageIndex x = ImageIndex.parse(b(in));
    assertThat(x.schemaVersion()).isEqualTo(2);
    assertThat(x.mediaType()).isEqualTo("m");
    assertThat(new String(x.toJson(), StandardCharsets.UTF_8))
        .isEqualTo("{\"schemaVersion\":2,\"mediaType\":\"m\",\"manifests\":[]}");
  }

  @Test
  void wrongTypesAndMalformedJsonAreTyped() {
    String[] bad = {
      "", "[]", "{", "{\"schemaVersion\":\"2\",\"manifests\":[]}",
      "{\"schemaVersion\":2.5,\"manifests\":[]}", "{\"manifests\":{}}",
      "{\"manifests\":[{\"digest\":\"" + D + "\",\"size\":-1}]}",
      "{\"manifests\":[{\"digest\":\"" + D + "\",\"size\":1e3}]}",
      "{\"manifests\":[{\"digest\":\"sha256:abc\"}]}",
      "{\"manifests\":[{\"size\":1}]}",
      "{\"manifests\":[],\"annotations\":{\"a\":1}}",
      "{\"manifests\":[]} x", "{\"manifests\":[]}{}",
      "{\"manifests\":[{\"digest\":\"" + D + "\",\"platform\":\"linux\"}]}",
    };
    for (String s : bad) {
      assertThatThrownBy(() -> ImageIndex.parse(b(s))).as(s).isInstanceOf(OciException.class);
    }
    assertThatThrownBy(() -> ImageManifest.parse(b("{\"layers\":[]}")))
        .isInstanceOf(MalformedJsonException.class).hasMessageContaining("config");
  }

  @Test
  void randomMutationsOfVectorsOnlyGiveTypedExceptions() {
    byte[] seedIndex = Vectors.read(Vectors.expected("convert-all-span1m-min0").resolve(
        "blobs/sha256/590db497768383055c6c3acba40349ea09e959742b8038f8b544f4f70ef031a4"));
    byte[] seedManifest = Vectors.read(Vectors.expected("create-amd64-span1m-min0")
        .resolve("soci-index-v1.json"));
    Random rnd = new Random(7);
    byte[] pool = b("{}[]\",:0123456789-.eEtrufalsn\\u \u00ff<");
    for (int iter = 0; iter < 3000; iter++) {
      byte[] seed = (iter % 2 == 0 ? seedIndex : seedManifest).clone();
      int mutations = 1 + rnd.nextInt(4);
      for (int m = 0; m < mutations; m++) {
        int pos = rnd.nextInt(seed.length);
        switch (rnd.nextInt(3)) {
          case 0 -> seed[pos] = pool[rnd.nextInt(pool.length)];
          case 1 -> seed = java.util.Arrays.copyOf(seed, pos);
          default -> seed[pos] = (byte) rnd.nextInt(256);
        }
        if (seed.length == 0) {
          break;
        }
      }
      byte[] input = seed;
      try {
        if (iter % 2 == 0) {
          ImageIndex.parse(input).toJson();
        } else {
          ImageManifest.parse(input).toJson();
        }
      } catch (OciException expected) {
        // typed: fine
      } catch (RuntimeException e) {
        throw new AssertionError("untyped failure on " + new String(input,
            StandardCharsets.UTF_8), e);
      }
    }
  }
}
