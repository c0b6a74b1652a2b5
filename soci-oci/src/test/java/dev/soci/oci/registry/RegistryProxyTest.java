package dev.soci.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.MediaTypes;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests routed by proxy variables, end to end: the real registry is addressed by a name only
 * the test's forward proxy resolves ({@link ForwardProxy#ALIAS}), so reaching it at all proves
 * the proxy was used (loopback addresses are never proxied, as in Go, so the registry's own
 * 127.0.0.1 could not show it).
 */
class RegistryProxyTest {
  @TempDir static Path dir;
  private static TestRegistry registry;
  private static ForwardProxy proxy;
  private static String aliased;

  @BeforeAll
  static void start() throws Exception {
    registry = TestRegistry.start(dir.resolve("registry"));
    proxy = new ForwardProxy();
    aliased = ForwardProxy.ALIAS + ":" + registry.address().substring(registry.address().indexOf(':') + 1);
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
    proxy.requestLines.clear();
    proxy.proxyAuthorizations.clear();
  }

  private static RegistryClient client(Map<String, String> env) {
    return RegistryClient.builder(aliased).plainHttp(true).environment(env).chunkSize(64 << 10)
        .timeout(Duration.ofSeconds(10)).build();
  }

  @Test
  void aPlainHttpRegistryIsReachedThroughHttpProxy() throws Exception {
    RegistryClient c = client(Map.of("HTTP_PROXY", proxy.url(), "NO_PROXY", "other.example"));
    byte[] content = new byte[150_000];
    new java.util.Random(9).nextBytes(content);
    Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR, content);
    assertThat(c.pushBlob("proxied", d, new ByteArrayInputStream(content))).isTrue();
    try (InputStream in = c.openBlob("proxied", d)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    List<String> lines = List.copyOf(proxy.requestLines);
    assertThat(lines).as("HEAD, POST, 3 PATCH, PUT, GET").hasSize(7)
        .allSatisfy(l -> assertThat(l).matches("[A-Z]+ http://" + aliased.replace(".", "\\.")
            + "/v2/proxied/.* HTTP/1\\.1"));
    assertThat(proxy.proxyAuthorizations).containsOnly("");
  }

  @Test
  void credentialsInTheProxyUrlAreSentAsProxyAuthorization() throws Exception {
    String withCredentials = proxy.url().replace("http://", "http://alice:p%40ss@");
    RegistryClient c = client(Map.of("http_proxy", withCredentials));
    byte[] content = "through an authenticating proxy".getBytes(StandardCharsets.UTF_8);
    Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR, content);
    assertThat(c.pushBlob("authed", d, HttpRequest.BodyPublishers.ofByteArray(content))).isTrue();
    assertThat(proxy.proxyAuthorizations).isNotEmpty().containsOnly("Basic "
        + Base64.getEncoder().encodeToString("alice:p@ss".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void noProxyNamingTheRegistrySendsItDirect() {
    RegistryClient c = client(Map.of("HTTP_PROXY", proxy.url(), "NO_PROXY", ".invalid"));
    // Direct, the alias resolves nowhere: the proxy is never asked.
    assertThatThrownBy(() -> c.blobExists("direct", Descriptor.forContent("x", new byte[1]).digest()))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.status()).isZero();
          assertThat(e.getMessage()).contains("no answer from " + aliased);
        });
    assertThat(proxy.requestLines).isEmpty();
  }

  @Test
  void aProxyJavaCannotUseIsOneClearErrorNeverBypassed() {
    RegistryClient c = client(Map.of("HTTP_PROXY", "socks5://127.0.0.1:1080"));
    assertThatThrownBy(() -> c.blobExists("socks", Descriptor.forContent("x", new byte[1]).digest()))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.getMessage())
            .contains("HTTP_PROXY names a proxy of scheme socks5").doesNotContain("\n"));
  }
}
