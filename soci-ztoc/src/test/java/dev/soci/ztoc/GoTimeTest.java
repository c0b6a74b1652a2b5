package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** GoTime's hand-written digits against the String.format rendering it replaced. */
class GoTimeTest {
  /** The former implementation: Go's MarshalText layout through String.format, null outside years 0..9999. */
  private static String viaFormat(long seconds, long nanos) {
    java.time.Instant t = java.time.Instant.ofEpochSecond(seconds, nanos);
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
    if (d.getYear() < 0 || d.getYear() > 9999) {
      return null; // MarshalText refuses these years
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d",
        d.getYear(), d.getMonthValue(), d.getDayOfMonth(), d.getHour(), d.getMinute(), d.getSecond()));
    if (t.getNano() != 0) {
      String frac = String.format(Locale.ROOT, "%09d", t.getNano());
      int end = frac.length();
      while (frac.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(frac, 0, end);
    }
    return sb.append('Z').toString();
  }

  @Test
  void rendersEveryYearAndFractionLikeFormat() {
    long min = -62167219200L; // 0000-01-01T00:00:00Z
    long max = 253402300799L; // 9999-12-31T23:59:59Z
    Random r = new Random(10);
    long[] edges = {min, min + 1, -1, 0, 1, 86_399, 86_400, 951_782_400L /* 2000-02-29 */, max - 1, max};
    for (long s : edges) {
      for (long n : new long[] {0, 1, 10, 100_000_000, 120_000_000, 999_999_999, -1}) {
        assertThat(GoTime.marshalText(s, n)).as("%d s %d ns", s, n).isEqualTo(viaFormat(s, n));
      }
    }
    for (int i = 0; i < 20_000; i++) {
      long s = min + 1 + (long) (r.nextDouble() * (max - min - 2));
      long n = switch (r.nextInt(4)) {
        case 0 -> 0;
        case 1 -> r.nextInt(1_000_000_000);
        case 2 -> r.nextInt(1000) * 1_000_000L;
        default -> r.nextInt(10) * 100_000_000L;
      };
      assertThat(GoTime.marshalText(s, n)).as("%d s %d ns", s, n).isEqualTo(viaFormat(s, n));
    }
  }
}
