package dev.soci.core;

import dev.soci.testing.ApiSignature;
import org.junit.jupiter.api.Test;

/**
 * Keeps the public API of soci-core honest: it must equal the committed {@code api/soci-core.txt}
 * (regenerate with {@code -Dsoci.api.update=true}, see {@link ApiSignature}).
 */
class ApiCheckTest {
  @Test
  void publicApiMatchesTheCommittedFile() {
    ApiSignature.check("soci-core");
  }
}
