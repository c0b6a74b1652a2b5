package dev.soci.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.store.BlobMismatchException;
import dev.soci.oci.registry.FaultProxy.Fault;
import dev.soci.ztoc.LayerReader;
import dev.soci.ztoc.SpanDigestMismatchException;
import dev.soci.ztoc.ZtocBuilder;
import dev.soci.ztoc.ZtocView;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults between the client and the real registry (503s, truncated and corrupted bodies, a
 * server ignoring {@code Range}): reads retry or fail with a clear error, never return wrong
 * bytes.
 */
class RegistryFaultsTest {
  @TempDir static Path dir;
  private static TestRegistry registry;
  private static FaultProxy proxy;
  private static RegistryClient client;
  private static Descriptor layer;
  private static byte[] layerBytes;
  private static ZtocView ztoc;

  @BeforeAll
  static void start() throws Exception {
    registry = TestRegistry.start(dir.resolve("registry"));
    proxy = new FaultProxy(registry.address());
    client = RegistryClient.builder(proxy.address()).plainHttp(true)
        .timeout(Duration.ofSeconds(10)).build();
    Path file = Path.of(System.getProperty("soci.testdata"), "vectors/layers/go-pax.tar.gz");
    layerBytes = Files.readAllBytes(file);
    layer = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR_GZIP, layerBytes);
    client.pushBlob("app", layer, file);
    ztoc = ZtocView.open(ZtocBuilder.create().spanSize(1 << 20).build(file).bytes());
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void clear() {
    proxy.inject(Fault.NONE, -1);
  }

  @Test
  void transient503sAreRetried() throws Exception {
    proxy.inject(Fault.STATUS_503, 2);
    assertThat(client.blobExists("app", layer.digest())).isTrue();
  }

  @Test
  void aRegistryThatKeepsFailingIsOneError() {
    proxy.inject(Fault.STATUS_503, -1);
    int before = proxy.requests.get();
    assertThatThrownBy(() -> client.blobExists("app", layer.digest()))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(503));
    assertThat(proxy.requests.get() - before).as("bounded retries").isEqualTo(3);
  }

  @Test
  void aCorruptedBlobNeverPassesVerification() throws Exception {
    proxy.inject(Fault.CORRUPT, -1);
    try (InputStream in = client.openBlob("app", layer)) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(BlobMismatchException.class);
    }
  }

  @Test
  void corruptedSpansAreCaughtByTheirDigests() throws Exception {
    proxy.inject(Fault.CORRUPT, -1);
    String file = firstFile();
    try (LayerReader reader = LayerReader.open(ztoc, client.openRanges("app", layer))) {
      assertThatThrownBy(() -> reader.readFile(file)).isInstanceOf(SpanDigestMismatchException.class);
    }
    proxy.inject(Fault.NONE, -1);
    try (LayerReader reader = LayerReader.open(ztoc, client.openRanges("app", layer))) {
      assertThat(reader.readFile(file)).isNotEmpty(); // the same read, without the fault
    }
  }

  @Test
  void aServerIgnoringRangeIsNotTakenForTheSpan() {
    proxy.inject(Fault.IGNORE_RANGE, -1);
    assertThatThrownBy(() -> client.openRanges("app", layer).readFully(100, ByteBuffer.allocate(50)))
        .isInstanceOfSatisfying(RegistryException.class,
            e -> assertThat(e.getMessage()).contains("ignored the Range header"));
  }

  @Test
  void aTruncatedRangeIsRetriedThenATypedError() throws Exception {
    proxy.inject(Fault.TRUNCATE, 1);
    ByteBuffer once = ByteBuffer.allocate(4000);
    client.openRanges("app", layer).readFully(0, once); // dropped once: read again
    assertThat(once.array()).isEqualTo(java.util.Arrays.copyOf(layerBytes, 4000));
    proxy.inject(Fault.TRUNCATE, -1);
    assertThatThrownBy(() -> client.openRanges("app", layer).readFully(0, ByteBuffer.allocate(4000)))
        .isInstanceOfSatisfying(RegistryException.class,
            e -> assertThat(e.getMessage()).contains("broke off"));
  }

  @Test
  void aStalledBodyTimesOutInsteadOfHanging() throws Exception {
    RegistryClient impatient = RegistryClient.builder(proxy.address()).plainHttp(true)
        .timeout(Duration.ofSeconds(1)).build();
    proxy.inject(Fault.STALL, 1);
    long t0 = System.nanoTime();
    try (InputStream in = impatient.openBlob("app", layer)) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(java.net.http.HttpTimeoutException.class)
          .hasMessageContaining("no data for 1.0 s");
    }
    proxy.inject(Fault.STALL, 1);
    ByteBuffer b = ByteBuffer.allocate(4000);
    impatient.openRanges("app", layer).readFully(0, b); // stalled once: read again
    assertThat(b.array()).isEqualTo(java.util.Arrays.copyOf(layerBytes, 4000));
    assertThat(System.nanoTime() - t0).as("bounded by the timeout, not the stall")
        .isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(15));
  }

  private static String firstFile() {
    for (int i = 0; i < ztoc.entryCount(); i++) {
      if (ztoc.type(i) == dev.soci.ztoc.EntryType.REG && ztoc.uncompressedSize(i) > 1000) {
        return ztoc.name(i);
      }
    }
    throw new AssertionError("no file");
  }

  @Test
  void aWholeBlobAnsweredWith200IsTakenOnlyWhenTheWholeBlobWasAsked() throws Exception {
    proxy.inject(Fault.IGNORE_RANGE, -1);
    ByteBuffer whole = ByteBuffer.allocate((int) layer.size());
    client.openRanges("app", layer).readFully(0, whole);
    assertThat(whole.array()).isEqualTo(layerBytes);
    assertThatThrownBy(() -> client.openRanges("app", layer).readFully(0,
        ByteBuffer.allocate(100))).isInstanceOf(RegistryException.class)
        .hasMessageContaining("ignored the Range header");
  }

  @Test
  void theClientStillWorksAfterFaults() throws Exception {
    // Every request truncated until cleared (not "the next 3": a retry of a request sent on a
    // connection the last truncation closed may take a fault without being a read attempt).
    proxy.inject(Fault.TRUNCATE, -1);
    assertThatThrownBy(() -> client.openRanges("app", layer).readFully(0, ByteBuffer.allocate(4000)))
        .isInstanceOf(RegistryException.class);
    proxy.inject(Fault.NONE, -1);
    ByteBuffer b = ByteBuffer.allocate(4000);
    client.openRanges("app", layer).readFully(0, b);
    assertThat(b.array()).isEqualTo(java.util.Arrays.copyOf(layerBytes, 4000));
    assertThat(new String(b.array(), 0, 2, StandardCharsets.ISO_8859_1)).isEqualTo("\u001f\u008b");
  }
}
