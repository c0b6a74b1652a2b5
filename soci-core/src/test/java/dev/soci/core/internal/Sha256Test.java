package dev.soci.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.internal.Sha256;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Sha256Test {
  // The digest of the 2-byte SOCI config blob "{}", as the reference's vectors record it.
  private static final String EMPTY_OBJECT =
      "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

  @Test
  void formatsLikeOciDigests() {
    byte[] b = "{}".getBytes(StandardCharsets.US_ASCII);
    assertThat(Sha256.of(b, 0, b.length)).isEqualTo(EMPTY_OBJECT);
    byte[] padded = "x{}y".getBytes(StandardCharsets.US_ASCII);
    assertThat(Sha256.of(padded, 1, 2)).isEqualTo(EMPTY_OBJECT);
  }

  @Test
  void matchesOnlyWellFormedEqualDigests() {
    byte[] b = "{}".getBytes(StandardCharsets.US_ASCII);
    byte[] raw = Sha256.newDigest().digest(b);
    assertThat(Sha256.matches(EMPTY_OBJECT, raw)).isTrue();
    assertThat(Sha256.matches(EMPTY_OBJECT.toUpperCase().replace("SHA256", "sha256"), raw)).isTrue();
    assertThat(Sha256.matches(EMPTY_OBJECT.replace("8a", "8b"), raw)).isFalse();
    assertThat(Sha256.matches("sha512:" + EMPTY_OBJECT.substring(7), raw)).isFalse();
    assertThat(Sha256.matches(EMPTY_OBJECT.substring(0, 70), raw)).isFalse();
    assertThat(Sha256.matches(EMPTY_OBJECT.substring(0, 70) + "g", raw)).isFalse();
    assertThat(Sha256.matches("", raw)).isFalse();
  }
}
