package dev.soci.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real registry serving TLS with a self-signed certificate: trusted through {@code
 * caCertificates}, refused with one clear error without it, accepted by {@code insecure} (also
 * for a certificate that names another host), and reached through {@code HTTPS_PROXY}'s
 * {@code CONNECT} tunnel.
 */
class RegistryTlsTest {
  @TempDir static Path dir;
  private static SelfSigned cert;
  private static SelfSigned otherHost;
  private static TestRegistry registry;
  private static TestRegistry misnamed;

  @BeforeAll
  static void start() throws Exception {
    // keytool is a JVM of its own (seconds to start): both at once.
    java.util.concurrent.CompletableFuture<SelfSigned> other = java.util.concurrent.CompletableFuture
        .supplyAsync(() -> {
          try {
            return SelfSigned.create(dir.resolve("other"), "other-host", "dns:other.invalid");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    cert = SelfSigned.create(dir.resolve("certs"), "test-registry",
        "ip:127.0.0.1,dns:" + ForwardProxy.ALIAS);
    otherHost = other.get(60, java.util.concurrent.TimeUnit.SECONDS);
    registry = TestRegistry.startTls(dir.resolve("registry"), cert);
    misnamed = TestRegistry.startTls(dir.resolve("misnamed"), otherHost);
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
    if (misnamed != null) {
      misnamed.close();
    }
  }

  private static RegistryClient.Builder builder(TestRegistry r) {
    return RegistryClient.builder(r.address()).environment(Map.of())
        .timeout(Duration.ofSeconds(10));
  }

  /** Pushes a small blob and reads it back. */
  private static void roundTrip(RegistryClient c, String repo) throws Exception {
    byte[] content = ("over TLS to " + repo).getBytes(StandardCharsets.UTF_8);
    Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR, content);
    c.pushBlob(repo, d, HttpRequest.BodyPublishers.ofByteArray(content));
    try (InputStream in = c.openBlob(repo, d)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void theCaBundleMakesTheRegistryTrusted() throws Exception {
    roundTrip(builder(registry).caCertificates(cert.certificate()).build(), "trusted");
  }

  @Test
  void theDefaultCasStayTrustedBesideTheBundle() throws Exception {
    // A bundle with text around the certificate, as bundles have; the JDK's CAs are kept.
    Path bundle = Files.writeString(dir.resolve("bundle.pem"), "# our registry\n"
        + Files.readString(cert.certificate()) + "\n");
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((java.security.KeyStore) null);
    int defaults = ((javax.net.ssl.X509TrustManager) tmf.getTrustManagers()[0]).getAcceptedIssuers().length;
    assertThat(defaults).as("the JDK has CAs of its own").isPositive();
    javax.net.ssl.SSLContext context = TlsContexts.withCertificates(bundle);
    javax.net.ssl.SSLEngine engine = context.createSSLEngine();
    assertThat(engine).isNotNull();
    roundTrip(builder(registry).caCertificates(bundle).build(), "bundled");
  }

  @Test
  void withoutTheBundleOneClearErrorNamingTheCertificate() throws Exception {
    assertThatThrownBy(() -> builder(registry).build().blobExists("untrusted",
        Descriptor.forContent("x", new byte[1]).digest()))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.status()).isZero();
          assertThat(e.getMessage()).contains("TLS with " + registry.address())
              .contains("certificate is not trusted").contains("caCertificates")
              .doesNotContain("\n");
        });
    // Through the proxy, each connection is a CONNECT: a failed handshake is not retried.
    try (ForwardProxy proxy = new ForwardProxy()) {
      RegistryClient c = RegistryClient.builder(aliased(registry))
          .environment(Map.of("HTTPS_PROXY", proxy.url())).timeout(Duration.ofSeconds(10)).build();
      assertThatThrownBy(() -> c.blobExists("untrusted", Descriptor.forContent("x", new byte[1]).digest()))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.getMessage())
              .contains("certificate is not trusted"));
      assertThat(proxy.requestLines).hasSize(1);
    }
  }

  /** The registry's address with the host only the forward proxy resolves. */
  private static String aliased(TestRegistry r) {
    return ForwardProxy.ALIAS + ":" + r.address().substring(r.address().indexOf(':') + 1);
  }

  @Test
  void insecureAcceptsTheCertificate() throws Exception {
    roundTrip(builder(registry).insecure(true).build(), "insecure");
  }

  @Test
  void aCertificateForAnotherHostIsRefusedUnlessInsecure() throws Exception {
    RegistryClient checked = builder(misnamed).caCertificates(otherHost.certificate()).build();
    assertThatThrownBy(() -> checked.blobExists("misnamed", Descriptor.forContent("x", new byte[1]).digest()))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.getMessage())
            .contains("does not name the host").contains("127.0.0.1").doesNotContain("\n"));
    // Insecure skips the host name check too, for this client only.
    roundTrip(builder(misnamed).insecure(true).build(), "misnamed");
    assertThatThrownBy(() -> checked.blobExists("misnamed", Descriptor.forContent("x", new byte[1]).digest()))
        .as("the other client still checks").isInstanceOf(RegistryException.class);
  }

  @Test
  void aFileWithoutCertificatesIsRefused() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
    assertThatThrownBy(() -> builder(registry).caCertificates(junk))
        .isInstanceOf(OciException.class).hasMessageContaining(junk.toString());
    Path key = cert.key();
    assertThatThrownBy(() -> builder(registry).caCertificates(key)).isInstanceOf(OciException.class);
  }

  @Test
  void httpsProxyTunnelsToTheRegistry() throws Exception {
    try (ForwardProxy proxy = new ForwardProxy()) {
      String aliased = aliased(registry);
      RegistryClient c = RegistryClient.builder(aliased).caCertificates(cert.certificate())
          .environment(Map.of("HTTPS_PROXY", proxy.url(), "HTTP_PROXY", "http://127.0.0.1:1"))
          .chunkSize(64 << 10).timeout(Duration.ofSeconds(10)).build();
      byte[] content = new byte[100_000];
      new java.util.Random(3).nextBytes(content);
      Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR, content);
      assertThat(c.pushBlob("tunneled", d, new ByteArrayInputStream(content))).isTrue();
      try (InputStream in = c.openBlob("tunneled", d)) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
      List<String> lines = List.copyOf(proxy.requestLines);
      assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l)
          .isEqualTo("CONNECT " + aliased + " HTTP/1.1"));
    }
  }
}
