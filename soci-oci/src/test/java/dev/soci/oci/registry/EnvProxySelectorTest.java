package dev.soci.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Proxy;
import java.net.URI;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The proxy decisions of {@link EnvProxySelector}, case by case against Go's {@code
 * httpproxy} rules: which variable, loopback never proxied, each {@code NO_PROXY} form.
 */
class EnvProxySelectorTest {
  private static final String P = "http://proxy.example:3128";

  /** env ("K=V;K=V"), URL, expected: "direct", "host:port" of the proxy, or "refused". */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("", "https://r.example/v2/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P, "https://r.example/v2/", "proxy.example:3128"),
        Arguments.of("HTTPS_PROXY=" + P, "http://r.example/v2/", "direct"),
        Arguments.of("HTTP_PROXY=" + P, "http://r.example/v2/", "proxy.example:3128"),
        Arguments.of("HTTP_PROXY=" + P, "https://r.example/v2/", "direct"), // no fallback
        Arguments.of("https_proxy=" + P, "https://r.example/v2/", "proxy.example:3128"),
        Arguments.of("HTTPS_PROXY=http://upper:1;https_proxy=http://lower:2", "https://r.example/", "upper:1"),
        Arguments.of("HTTPS_PROXY=;https_proxy=http://lower:2", "https://r.example/", "lower:2"),
        Arguments.of("HTTPS_PROXY=proxy.example:8080", "https://r.example/", "proxy.example:8080"),
        Arguments.of("HTTPS_PROXY=10.0.0.1:8080", "https://r.example/", "10.0.0.1:8080"),
        Arguments.of("HTTPS_PROXY=http://proxy.example", "https://r.example/", "proxy.example:80"),
        // Loopback and localhost are never proxied.
        Arguments.of("HTTPS_PROXY=" + P, "https://localhost:5000/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P, "https://127.0.0.1:5000/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P, "https://127.3.2.1/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P, "https://[::1]:5000/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P, "https://localhost.example/", "proxy.example:3128"),
        // NO_PROXY forms.
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=*", "https://r.example/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=r.example", "https://r.example/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=r.example", "https://a.r.example/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=r.example", "https://bar.example/", "proxy.example:3128"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=example", "https://r.example/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=ample", "https://r.example/", "proxy.example:3128"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=.r.example", "https://r.example/", "proxy.example:3128"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=.r.example", "https://a.r.example/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=*.r.example", "https://a.r.example/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=*.r.example", "https://r.example/", "proxy.example:3128"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY= other.example , R.Example ", "https://r.example/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";no_proxy=r.example", "https://r.example/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=r.example:5000", "https://r.example:5000/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=r.example:5000", "https://r.example/", "proxy.example:3128"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=r.example:443", "https://r.example/", "direct"),
        Arguments.of("HTTP_PROXY=" + P + ";NO_PROXY=r.example:80", "http://r.example/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=10.1.2.3", "https://10.1.2.3:5000/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=10.1.2.3", "https://10.1.2.4/", "proxy.example:3128"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=10.1.2.3:5000", "https://10.1.2.3:5001/", "proxy.example:3128"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=10.0.0.0/8", "https://10.200.0.1/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=10.0.0.0/8", "https://11.0.0.1/", "proxy.example:3128"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=192.168.0.0/23", "https://192.168.1.9/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=192.168.0.0/23", "https://192.168.2.9/", "proxy.example:3128"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=fd00::/8", "https://[fd12::1]/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=[fd00::1]:443", "https://[fd00::1]/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=fd00::1", "https://[fd00::1]:5000/", "direct"),
        Arguments.of("HTTPS_PROXY=" + P + ";NO_PROXY=10.0.0.0/8", "https://ten.example/", "proxy.example:3128"),
        // Proxies java.net.http cannot use are refused, never bypassed.
        Arguments.of("HTTPS_PROXY=socks5://proxy.example:1080", "https://r.example/", "refused"),
        Arguments.of("HTTPS_PROXY=https://proxy.example:443", "https://r.example/", "refused"),
        Arguments.of("HTTPS_PROXY=http://[::1", "https://r.example/", "refused"),
        Arguments.of("HTTPS_PROXY=socks5://proxy.example:1080;NO_PROXY=r.example", "https://r.example/", "direct"),
        Arguments.of("HTTPS_PROXY=http://u:p@proxy.example:3128", "https://r.example/", "refused"),
        Arguments.of("HTTP_PROXY=" + P + ";REQUEST_METHOD=GET", "http://r.example/", "refused"),
        Arguments.of("HTTPS_PROXY=" + P + ";REQUEST_METHOD=GET", "https://r.example/", "proxy.example:3128"));
  }

  private static Map<String, String> env(String spec) {
    Map<String, String> env = new HashMap<>();
    for (String kv : spec.isEmpty() ? new String[0] : spec.split(";")) {
      int eq = kv.indexOf('=');
      env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return env;
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("cases")
  void routes(String spec, String url, String expected) {
    EnvProxySelector s = EnvProxySelector.of(env(spec));
    URI uri = URI.create(url);
    EnvProxySelector.Route r = s.route(uri);
    String got = r.refusal() != null ? "refused" : r.proxy() == null ? "direct"
        : r.proxy().getHostString() + ":" + r.proxy().getPort();
    assertThat(got).isEqualTo(expected);
    Proxy selected = s.select(uri).get(0);
    assertThat(selected.type()).isEqualTo(r.proxy() == null ? Proxy.Type.DIRECT : Proxy.Type.HTTP);
    if (r.refusal() != null) {
      assertThat(r.refusal()).as("never the value: it may hold a password").doesNotContain("u:p");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("credentialCases")
  void credentialsOfAnHttpProxyAreBasicProxyAuthorization(String proxyUrl, String userPass) {
    EnvProxySelector.Route r = EnvProxySelector.of(Map.of("HTTP_PROXY", proxyUrl))
        .route(URI.create("http://r.example/v2/"));
    assertThat(r.proxyAuthorization()).isEqualTo("Basic "
        + Base64.getEncoder().encodeToString(userPass.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  static Stream<Arguments> credentialCases() {
    return Stream.of(
        Arguments.of("http://alice:secret@proxy.example:3128", "alice:secret"),
        Arguments.of("http://alice:p%40ss%3Aword@proxy.example:3128", "alice:p@ss:word"),
        Arguments.of("alice:secret@proxy.example:3128", "alice:secret"));
  }
}
