package dev.soci.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.store.BlobMismatchException;
import dev.soci.oci.registry.FaultProxy.Fault;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chunked blob uploads against the real registry, through the fault proxy: several chunks of a
 * small chunk size, a PATCH answered 503 or dropped (sent again), a PATCH whose answer is lost
 * (2.8.2 cannot say what it holds then: one clear error), content that does not match its
 * descriptor (never committed).
 */
class ChunkedUploadTest {
  private static final int CHUNK = RegistryClient.MIN_CHUNK_SIZE;

  @TempDir static Path dir;
  private static TestRegistry registry;
  private static FaultProxy proxy;
  private static RegistryClient client;
  private static int repoCount;

  @BeforeAll
  static void start() throws Exception {
    registry = TestRegistry.start(dir.resolve("registry"));
    proxy = new FaultProxy(registry.address());
    client = RegistryClient.builder(proxy.address()).plainHttp(true).chunkSize(CHUNK)
        .timeout(Duration.ofSeconds(10)).build();
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
    proxy.methods.clear();
  }

  /** A fresh repository per upload: a blob pushed once is there for every later push. */
  private static synchronized String repo() {
    return "chunked/r" + (++repoCount);
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static long count(String method) {
    synchronized (proxy.methods) {
      return proxy.methods.stream().filter(method::equals).count();
    }
  }

  private static void assertStored(String repo, Descriptor d, byte[] content) throws Exception {
    try (InputStream in = client.openBlob(repo, d)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void aBlobOfSeveralChunksReadsBackTheSame() throws Exception {
    String repo = repo();
    byte[] content = random(3 * CHUNK + 1000, 1);
    Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR_GZIP, content);
    assertThat(client.pushBlob(repo, d, new ByteArrayInputStream(content))).isTrue();
    assertThat(count("PATCH")).as("one PATCH per chunk: %s", proxy.methods).isEqualTo(4);
    assertThat(proxy.methods).containsSubsequence("POST", "PATCH", "PUT");
    assertStored(repo, d, content);
    assertThat(client.pushBlob(repo, d, new ByteArrayInputStream(content)))
        .as("a blob already there is not uploaded again").isFalse();
  }

  @Test
  void aFileLargerThanTheChunkSizeGoesInChunksASmallerOneInOnePut() throws Exception {
    String repo = repo();
    byte[] big = random(2 * CHUNK + 1, 2);
    Path file = Files.write(dir.resolve("big.bin"), big);
    Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR_GZIP, big);
    assertThat(client.pushBlob(repo, d, file)).isTrue();
    assertThat(count("PATCH")).isEqualTo(3);
    assertStored(repo, d, big);

    proxy.methods.clear();
    byte[] small = random(CHUNK, 3);
    Path smallFile = Files.write(dir.resolve("small.bin"), small);
    Descriptor sd = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR_GZIP, small);
    assertThat(client.pushBlob(repo, sd, smallFile)).isTrue();
    assertThat(count("PATCH")).isZero();
    assertStored(repo, sd, small);
  }

  @Test
  void anEmptyBlobIsAPostAndAPut() throws Exception {
    String repo = repo();
    Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR_GZIP, new byte[0]);
    assertThat(client.pushBlob(repo, d, new ByteArrayInputStream(new byte[0]))).isTrue();
    assertThat(count("PATCH")).isZero();
    assertThat(client.blobExists(repo, d.digest())).isTrue();
  }

  @Test
  void aPatchAnswered503IsSentAgain() throws Exception {
    String repo = repo();
    byte[] content = random(3 * CHUNK, 4);
    Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR_GZIP, content);
    proxy.inject(Fault.STATUS_503, 1, "PATCH");
    assertThat(client.pushBlob(repo, d, new ByteArrayInputStream(content))).isTrue();
    assertThat(count("PATCH")).as("three chunks, one sent twice").isEqualTo(4);
    // After the failed PATCH, the upload's status (GET) says where to go on from.
    List<String> after = proxy.methods.subList(proxy.methods.indexOf("PATCH"), proxy.methods.size());
    assertThat(after).startsWith("PATCH", "GET", "PATCH");
    assertStored(repo, d, content);
  }

  @Test
  void aPatchWhoseConnectionDropsIsSentAgain() throws Exception {
    String repo = repo();
    byte[] content = random(2 * CHUNK + 7, 5);
    Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR_GZIP, content);
    proxy.inject(Fault.DROP, 1, "PATCH");
    assertThat(client.pushBlob(repo, d, new ByteArrayInputStream(content))).isTrue();
    assertThat(count("PATCH")).isEqualTo(4);
    assertStored(repo, d, content);
  }

  @Test
  void aPatchWhoseAnswerIsLostIsOneClearError() throws Exception {
    String repo = repo();
    byte[] content = random(2 * CHUNK, 6);
    Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR_GZIP, content);
    proxy.inject(Fault.LOSE_RESPONSE, 1, "PATCH");
    // The registry holds the chunk, but 2.8.2 answers the status of the Location it was sent to
    // (whose state predates the chunk) with BLOB_UPLOAD_INVALID: resending blindly would store
    // the chunk twice, so the upload fails.
    assertThatThrownBy(() -> client.pushBlob(repo, d, new ByteArrayInputStream(content)))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.getMessage()).contains("cannot be resumed").contains("PATCH")
              .doesNotContain("\n");
          assertThat(e.errorCode()).isEqualTo("BLOB_UPLOAD_INVALID");
        });
    assertThat(client.blobExists(repo, d.digest())).isFalse();
  }

  @Test
  void contentThatDoesNotMatchItsDescriptorIsNeverCommitted() throws Exception {
    String repo = repo();
    byte[] content = random(CHUNK + 10, 7);
    Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR_GZIP, content);
    byte[] other = content.clone();
    other[CHUNK + 5] ^= 1;
    assertThatThrownBy(() -> client.pushBlob(repo, d, new ByteArrayInputStream(other)))
        .isInstanceOf(BlobMismatchException.class).hasMessageContaining("digest differs");
    byte[] longer = java.util.Arrays.copyOf(content, content.length + 1);
    proxy.methods.clear();
    assertThatThrownBy(() -> client.pushBlob(repo, d, new ByteArrayInputStream(longer)))
        .isInstanceOf(BlobMismatchException.class).hasMessageContaining("larger than");
    assertThat(count("PATCH")).as("the chunk that overflows is not sent").isEqualTo(1);
    assertThat(proxy.methods).as("the session is cancelled").endsWith("DELETE");
    byte[] shorter = java.util.Arrays.copyOf(content, content.length - 1);
    assertThatThrownBy(() -> client.pushBlob(repo, d, new ByteArrayInputStream(shorter)))
        .isInstanceOf(BlobMismatchException.class).hasMessageContaining("not its descriptor's");
    assertThat(client.blobExists(repo, d.digest())).isFalse();
  }

  @Test
  void contentThatFailsToReadCancelsTheUpload() throws Exception {
    String repo = repo();
    byte[] content = random(2 * CHUNK, 8);
    Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR_GZIP, content);
    InputStream failing = new java.io.SequenceInputStream(
        new ByteArrayInputStream(content, 0, CHUNK + 100), new InputStream() {
          @Override
          public int read() throws java.io.IOException {
            throw new java.io.IOException("disk gone");
          }
        });
    assertThatThrownBy(() -> client.pushBlob(repo, d, failing)).hasMessage("disk gone");
    assertThat(proxy.methods).endsWith("PATCH", "DELETE");
  }

  @Test
  void theChunkSizeIsBounded() {
    RegistryClient.Builder b = RegistryClient.builder("example.com");
    assertThatThrownBy(() -> b.chunkSize(RegistryClient.MIN_CHUNK_SIZE - 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunk size");
    assertThatThrownBy(() -> b.chunkSize(RegistryClient.MAX_CHUNK_SIZE + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(b.chunkSize(RegistryClient.MAX_CHUNK_SIZE)).isSameAs(b);
  }
}
