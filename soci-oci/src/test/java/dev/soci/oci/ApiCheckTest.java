package dev.soci.oci;

import dev.soci.testing.ApiSignature;
import org.junit.jupiter.api.Test;

/**
 * Keeps the public API of soci-oci honest: it must equal the committed {@code api/soci-oci.txt}
 * (regenerate with {@code -Dsoci.api.update=true}, see {@link ApiSignature}).
 */
class ApiCheckTest {
  @Test
  void publicApiMatchesTheCommittedFile() {
    ApiSignature.check("soci-oci");
  }
}
