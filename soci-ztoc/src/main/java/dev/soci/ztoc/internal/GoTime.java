package dev.soci.ztoc.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Go time semantics the reference's zTOCs depend on: PAX time parsing ({@code parsePAXTime})
 * and {@code time.Time.MarshalText} in UTC.
 */
final class GoTime {
  private GoTime() {}

  // MarshalText refuses years outside [0, 9999]; so do we.
  private static final long MIN_SECONDS = -62167219200L; // 0000-01-01T00:00:00Z
  private static final long MAX_SECONDS = 253402300799L; // 9999-12-31T23:59:59Z

  /**
   * Renders seconds + nanoseconds since the epoch like Go's MarshalText in UTC: {@code
   * 2006-01-02T15:04:05Z}, with a fraction (trailing zeros trimmed) only when non-zero.
   *
   * @return the text, or {@code null} when the year is outside [0, 9999]
   */
  static String marshalText(long seconds, long nanos) {
    if (seconds < MIN_SECONDS - 1 || seconds > MAX_SECONDS + 1) {
      return null;
    }
    Instant t = Instant.ofEpochSecond(seconds, nanos);
    if (t.getEpochSecond() < MIN_SECONDS || t.getEpochSecond() > MAX_SECONDS) {
      return null;
    }
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
    // Digits appended by hand, not String.format: this runs once per tar entry, and the first
    // String.format of a JVM loads java.util.Formatter, which compiles a regex and sets up
    // locale data (~20 ms of a cold `soci ztoc create`).
    StringBuilder sb = new StringBuilder(30);
    digits(sb, d.getYear(), 4).append('-');
    digits(sb, d.getMonthValue(), 2).append('-');
    digits(sb, d.getDayOfMonth(), 2).append('T');
    digits(sb, d.getHour(), 2).append(':');
    digits(sb, d.getMinute(), 2).append(':');
    digits(sb, d.getSecond(), 2);
    int nano = t.getNano();
    if (nano != 0) {
      int width = 9;
      while (nano % 10 == 0) {
        nano /= 10;
        width--;
      }
      digits(sb.append('.'), nano, width);
    }
    return sb.append('Z').toString();
  }

  /** Appends {@code value} (non-negative) in decimal, zero-padded to at least {@code width}. */
  private static StringBuilder digits(StringBuilder sb, int value, int width) {
    for (int p = 10, w = 1; w < width; p *= 10, w++) {
      if (value < p) {
        sb.append('0');
      }
    }
    return sb.append(value);
  }

  /**
   * Parses a PAX time value ({@code secs[.frac]}) like Go: fraction truncated to nanoseconds,
   * and negated for negative times.
   *
   * @return {seconds, nanoseconds} (nanoseconds possibly negative), or {@code null} if invalid
   */
  static long[] parsePaxTime(String s) {
    int dot = s.indexOf('.');
    String secPart = dot < 0 ? s : s.substring(0, dot);
    String fracPart = dot < 0 ? "" : s.substring(dot + 1);
    Long secs = parseInt64(secPart);
    if (secs == null) {
      return null;
    }
    if (fracPart.isEmpty()) {
      return new long[] {secs, 0};
    }
    for (int i = 0; i < fracPart.length(); i++) {
      char c = fracPart.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    String nine = fracPart.length() >= 9 ? fracPart.substring(0, 9) : (fracPart + "000000000").substring(0, 9);
    long nanos = Long.parseLong(nine);
    return new long[] {secs, secPart.startsWith("-") ? -nanos : nanos};
  }

  /** Go's {@code strconv.ParseInt(s, 10, 64)}: optional sign, ASCII digits, no overflow. */
  static Long parseInt64(String s) {
    int i = 0;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
      negative = s.charAt(0) == '-';
      i = 1;
    }
    if (i == s.length() || s.length() - i > 19) {
      return null;
    }
    long v = 0;
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      v = v * 10 + (c - '0'); // at most 19 digits: fits before the range check below
      if (v < 0) {
        return null;
      }
    }
    if (negative) {
      return -v;
    }
    return v;
  }
}
