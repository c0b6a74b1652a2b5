package dev.soci.oci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-read RFC 3339 form agrees with {@code OffsetDateTime.parse} on every input. */
class TimeParsingTest {
  @Test
  void agreesWithOffsetDateTimeOnRandomInstantsInEveryPrecision() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      Instant t = Instant.ofEpochSecond(rnd.nextLong(-2_000_000_000L, 32_000_000_000L),
          rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(1_000_000_000));
      String s = t.toString(); // 0, 3, 6 or 9 fraction digits
      assertThat(TreeBuilder.parseTime(s)).as(s).isEqualTo(OffsetDateTime.parse(s).toInstant());
      // Go trims a fraction's trailing zeros.
      String trimmed = s.contains(".") ? s.replaceAll("0+Z$", "Z").replace(".Z", "Z") : s;
      assertThat(TreeBuilder.parseTime(trimmed)).as(trimmed).isEqualTo(t);
    }
  }

  @Test
  void otherFormsAndBadOnesGoThroughTheJdk() {
    assertThat(TreeBuilder.parseTime("2024-02-29T23:59:59+02:00"))
        .isEqualTo(Instant.parse("2024-02-29T21:59:59Z"));
    assertThat(TreeBuilder.parseTime("1970-01-01T00:00:00Z")).isEqualTo(Instant.EPOCH);
    // The JDK takes an empty fraction; so does this (through it).
    assertThat(TreeBuilder.parseTime("2024-01-01T00:00:00.Z"))
        .isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    for (String bad : new String[] {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
        "2024-01-01T24:00:00Z", "2024-01-0xT00:00:00Z",
        "2024-01-01T00:00:00.1234567890Z", "not a time at all, really!!"}) {
      assertThatThrownBy(() -> TreeBuilder.parseTime(bad)).as(bad)
          .isInstanceOf(DateTimeParseException.class);
    }
  }
}
