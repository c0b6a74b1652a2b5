package dev.soci.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DigestTest {
  @Test
  void parsesBothAlgorithms() throws Exception {
    Digest d = Digest.parse("sha256:" + "0f".repeat(32));
    assertThat(d.algorithm()).isEqualTo("sha256");
    assertThat(d.hex()).isEqualTo("0f".repeat(32));
    assertThat(Digest.parse("sha512:" + "a".repeat(128)).algorithm()).isEqualTo("sha512");
  }

  @Test
  void ofComputesSha256() {
    assertThat(Digest.of("{}".getBytes(StandardCharsets.UTF_8)).toString()).isEqualTo(
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  }

  @Test
  void rejectsAnythingThatCouldEscapeABlobPath() {
    String[] bad = {"", "sha256", "sha256:", "sha256:" + "A".repeat(64),
        "sha256:" + "a".repeat(63), "sha256:" + "a".repeat(65), "SHA256:" + "a".repeat(64),
        "md5:" + "a".repeat(32), "sha256:../../" + "a".repeat(58), "sha256:" + "a".repeat(63) + "/",
        "sha512:" + "a".repeat(64), ":" + "a".repeat(64), "sha256:" + "a".repeat(63) + "\u0000",
        "../sha256:" + "a".repeat(64), "sha256:" + "a".repeat(63) + "g"};
    for (String s : bad) {
      assertThatThrownBy(() -> Digest.parse(s)).as(s).isInstanceOf(InvalidDigestException.class);
    }
    assertThatThrownBy(() -> Digest.parse(null)).isInstanceOf(InvalidDigestException.class);
  }

  @Test
  void randomStringsAreEitherStrictlyValidOrTypedErrors() {
    Pattern valid = Pattern.compile("sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}");
    Random rnd = new Random(1);
    String base = "sha256:" + "0123456789abcdef".repeat(4);
    String alphabet = "0123456789abcdefABCDEF:/.\\ sha256512g\u00e9";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder(base);
      int muts = rnd.nextInt(3);
      for (int m = 0; m < muts && sb.length() > 0; m++) {
        int pos = rnd.nextInt(sb.length());
        switch (rnd.nextInt(3)) {
          case 0 -> sb.setCharAt(pos, alphabet.charAt(rnd.nextInt(alphabet.length())));
          case 1 -> sb.deleteCharAt(pos);
          default -> sb.insert(pos, alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
      }
      String s = sb.toString();
      try {
        Digest d = Digest.parse(s);
        assertThat(s).matches(valid);
        assertThat(d.toString()).isEqualTo(s);
      } catch (InvalidDigestException e) {
        assertThat(s).doesNotMatch(valid);
      }
    }
  }
}
