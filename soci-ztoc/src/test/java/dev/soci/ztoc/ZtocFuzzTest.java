package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.testing.Vectors;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Damaged zTOCs give a typed exception or a zTOC whose every accessor works; nothing else. */
class ZtocFuzzTest {

  @Test
  void randomByteFlipsNeverEscapeAsUntypedErrors() {
    byte[][] seeds = {
      Vectors.read(Vectors.dir().resolve("ztoc/small-plain.tar.4096.ztoc")),
      Vectors.read(Vectors.dir().resolve("ztoc/tiny.tar.gz.65536.ztoc")),
    };
    SplittableRandom random = new SplittableRandom(20240506);
    int accepted = 0;
    int rejected = 0;
    for (int round = 0; round < 4000; round++) {
      byte[] seed = seeds[round % seeds.length];
      byte[] b = seed.clone();
      int flips = 1 + random.nextInt(4);
      for (int k = 0; k < flips; k++) {
        // Bias toward the FlatBuffers structure rather than the 32 KiB checkpoint window.
        int at = random.nextInt(4) == 0 ? random.nextInt(b.length) : pickStructural(b, random);
        b[at] = (byte) random.nextInt(256);
      }
      if (random.nextInt(10) == 0) {
        b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
      }
      ZtocView view;
      try {
        view = ZtocView.open(b);
      } catch (ZtocFormatException e) {
        rejected++;
        continue;
      }
      accepted++;
      exerciseEverything(view);
    }
    assertThat(rejected).isPositive();
    assertThat(accepted).isPositive();
  }

  private static int pickStructural(byte[] b, SplittableRandom random) {
    int window = Math.min(b.length, 2048);
    return random.nextBoolean() ? random.nextInt(window) : b.length - 1 - random.nextInt(window);
  }

  private static void exerciseEverything(ZtocView view) {
    Ztoc model = view.toModel();
    byte[] again = ZtocEncoder.encode(model);
    try {
      assertThat(ZtocView.open(again).toModel()).isEqualTo(model);
      for (int i = 0; i < view.entryCount(); i++) {
        view.lookup(view.name(i));
        assertThat(view.lookup(view.rawName(i))).isPresent();
        view.resolve(view.rawName(i));
      }
      // The zinfo was validated at open: parsing it and every span range must work.
      view.gzipZinfo();
      ZtocInfo.of(view);
      for (int i = 0; i < view.spanCount(); i++) {
        assertThat(view.spanCompressedEnd(i)).isGreaterThan(view.spanCompressedStart(i));
        assertThat(view.spanUncompressedEnd(i)).isGreaterThanOrEqualTo(view.spanUncompressedStart(i));
      }
      view.list("");
      view.list("app");
    } catch (SymlinkLoopException | PathTooLongException e) {
      // a legitimate outcome for a zTOC whose link targets were scrambled
    } catch (ZtocFormatException e) {
      throw new AssertionError("re-encoded valid zTOC was rejected", e);
    }
  }
}
