package dev.soci.ztoc;

import dev.soci.testing.ApiSignature;
import org.junit.jupiter.api.Test;

/**
 * Keeps the public API of soci-ztoc honest: it must equal the committed {@code api/soci-ztoc.txt}
 * (regenerate with {@code -Dsoci.api.update=true}, see {@link ApiSignature}).
 */
class ApiCheckTest {
  @Test
  void publicApiMatchesTheCommittedFile() {
    ApiSignature.check("soci-ztoc");
  }
}
