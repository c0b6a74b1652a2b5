package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.internal.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --ztoc-digest} of {@code ztoc get-file}, {@code info} and {@code list}. */
class ZtocDigestOptionTest {
  private static final Path VECTORS = ZtocCliTest.VECTORS;
  private static final String LAYER = VECTORS.resolve("layers/go-pax.tar.gz").toString();
  private static final Path ZTOC = VECTORS.resolve("ztoc/go-pax.tar.gz.1048576.ztoc");
  private static final String FILE = "usr/share/doc/file-1.txt";

  private static String digest() throws Exception {
    byte[] z = Files.readAllBytes(ZTOC);
    return Sha256.of(z, 0, z.length);
  }

  @Test
  void theRightDigestReadsAsWithout(@TempDir Path dir) throws Exception {
    Path with = dir.resolve("with");
    Path without = dir.resolve("without");
    ZtocCliTest.Run a = ZtocCliTest.soci("ztoc", "get-file", "--ztoc-digest", digest(), "-o",
        with.toString(), LAYER, ZTOC.toString(), FILE);
    ZtocCliTest.Run b = ZtocCliTest.soci("ztoc", "get-file", "-o", without.toString(), LAYER,
        ZTOC.toString(), FILE);
    assertThat(a.exit()).as(a.err()).isZero();
    assertThat(b.exit()).as(b.err()).isZero();
    assertThat(Files.readAllBytes(with)).isEqualTo(Files.readAllBytes(without));
    for (String cmd : new String[] {"info", "list"}) {
      ZtocCliTest.Run r = ZtocCliTest.soci("ztoc", cmd, "--ztoc-digest", digest(), ZTOC.toString());
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).isEqualTo(ZtocCliTest.soci("ztoc", cmd, ZTOC.toString()).out());
    }
  }

  @Test
  void anotherDigestIsAOneLineErrorAndNoOutput(@TempDir Path dir) throws Exception {
    String wrong = "sha256:" + "0".repeat(64);
    Path out = dir.resolve("out");
    ZtocCliTest.Run r = ZtocCliTest.soci("ztoc", "get-file", "--ztoc-digest", wrong, "-o",
        out.toString(), LAYER, ZTOC.toString(), FILE);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("soci: error: zTOC " + ZTOC + " has digest " + digest())
        .contains(wrong).hasLineCount(1);
    assertThat(out).doesNotExist();
    for (String cmd : new String[] {"info", "list"}) {
      ZtocCliTest.Run i = ZtocCliTest.soci("ztoc", cmd, "--ztoc-digest", wrong, ZTOC.toString());
      assertThat(i.exit()).isEqualTo(1);
      assertThat(i.out()).isEmpty();
    }
  }

  @Test
  void aMalformedDigestIsAUsageError() throws Exception {
    ZtocCliTest.Run r = ZtocCliTest.soci("ztoc", "info", "--ztoc-digest", "sha256:ABC",
        ZTOC.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("invalid --ztoc-digest 'sha256:ABC'");
  }
}
