package dev.soci.ztoc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.ztoc.internal.GoTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GoTimeTest {
  private static final long MIN = -62167219200L; // 0000-01-01T00:00:00Z
  private static final long MAX = 253402300799L; // 9999-12-31T23:59:59Z

  /** Go's MarshalText in UTC, spelled with java.time: seconds, then the trimmed fraction. */
  private static String expected(long seconds, int nanos) {
    Instant t = Instant.ofEpochSecond(seconds, nanos);
    String text = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC).format(t);
    if (nanos != 0) {
      text += "." + String.format("%09d", nanos).replaceAll("0+$", "");
    }
    return text + "Z";
  }

  @Test
  void rendersLikeGoAcrossTheWholeRange() {
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      long s = rnd.nextLong(MIN, MAX + 1);
      int n = switch (i % 4) {
        case 0 -> 0;
        case 1 -> rnd.nextInt(1_000_000_000);
        case 2 -> rnd.nextInt(1000) * 1_000_000;
        default -> rnd.nextInt(10) * 100_000_000 + 1;
      };
      assertThat(GoTime.marshalText(s, n)).as("%d.%09d", s, n).isEqualTo(expected(s, n));
    }
  }

  @Test
  void edgesOfTheRange() {
    assertThat(GoTime.marshalText(MIN, 0)).isEqualTo("0000-01-01T00:00:00Z");
    assertThat(GoTime.marshalText(MAX, 999_999_999)).isEqualTo("9999-12-31T23:59:59.999999999Z");
    assertThat(GoTime.marshalText(0, 1)).isEqualTo("1970-01-01T00:00:00.000000001Z");
    assertThat(GoTime.marshalText(0, 100_000_000)).isEqualTo("1970-01-01T00:00:00.1Z");
    assertThat(GoTime.marshalText(1_700_000_000L, 0)).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(GoTime.marshalText(MIN - 1, 0)).isNull();
    assertThat(GoTime.marshalText(MAX + 1, 0)).isNull();
    assertThat(GoTime.marshalText(MIN, -1)).isNull();
    assertThat(GoTime.marshalText(MAX, 1_000_000_000)).isNull();
  }
}
