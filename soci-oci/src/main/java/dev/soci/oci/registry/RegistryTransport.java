package dev.soci.oci.registry;

import dev.soci.oci.registry.DockerConfig.Credential;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How every request of a {@link RegistryClient} goes out: to the registry's {@code /v2/} URLs,
 * through the proxy the environment names, with the credential the {@link Authorizer} holds
 * for the request's token scopes (a {@code 401} challenge answered once), idempotent requests
 * retried on transient failures, and blob redirects followed by hand.
 */
final class RegistryTransport {
  /** Token scope actions of a request (each its own cached token). */
  static final String PULL = "pull";
  static final String PUSH = "pull,push";
  static final String DELETE = "delete";
  /** Attempts of an idempotent request (and of a range read, a chunk) before giving up. */
  static final int ATTEMPTS = 3;
  private static final int MAX_REDIRECTS = 10;

  private final String registry;
  private final URI base;
  private final Duration timeout;
  private final HttpClient http;
  private final EnvProxySelector proxies;
  private final Authorizer authorizer;

  RegistryTransport(String registry, boolean plainHttp, Duration timeout,
      Map<String, String> environment, javax.net.ssl.SSLContext sslContext, boolean insecure,
      Credential credential) {
    this.registry = registry;
    this.base = URI.create((plainHttp ? "http://" : "https://") + registry);
    this.timeout = timeout;
    this.proxies = EnvProxySelector.of(environment);
    HttpClient.Builder http = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .proxy(proxies)
        .followRedirects(HttpClient.Redirect.NEVER) // followed by hand, without Authorization
        .version(HttpClient.Version.HTTP_1_1);
    if (insecure) {
      http.sslContext(TlsContexts.trustingAll());
    } else if (sslContext != null) {
      http.sslContext(sslContext);
    }
    this.http = http.build();
    this.authorizer = new Authorizer(credential, plainHttp, timeout, (request, what) -> {
      try {
        return this.http.send(viaProxy(request, what), TimedBody.handler(timeout));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted: " + what);
      }
    });
  }

  /** The registry host (with optional port). */
  String registry() {
    return registry;
  }

  /** {@code http(s)://<registry>}. */
  URI base() {
    return base;
  }

  /** The timeout of connecting, of each response and of each body read. */
  Duration timeout() {
    return timeout;
  }

  /** Builds a request afresh for each attempt (a builder cannot be sent twice). */
  @FunctionalInterface
  interface RequestFactory {
    HttpRequest.Builder create() throws IOException;
  }

  /** A request for {@code path} below {@code /v2/<repository>/}. */
  HttpRequest.Builder request(String repository, String path) {
    return HttpRequest.newBuilder(endpoint(repository, path)).timeout(timeout);
  }

  /** The URL of {@code path} below {@code /v2/<repository>/}. */
  URI endpoint(String repository, String path) {
    return base.resolve("/v2/" + repository + "/" + path);
  }

  /**
   * Sends a request, answering an authentication challenge once and retrying idempotent
   * requests on transient failures.
   */
  HttpResponse<InputStream> send(String repository, String actions, boolean idempotent,
      RequestFactory factory, String what) throws IOException {
    return send(List.of(scope(repository, actions)), idempotent, factory, what);
  }

  /** {@link #send(String, String, boolean, RequestFactory, String)} needing {@code scopes}. */
  HttpResponse<InputStream> send(List<String> scopes, boolean idempotent,
      RequestFactory factory, String what) throws IOException {
    boolean challenged = false;
    for (int attempt = 1; ; attempt++) {
      HttpRequest.Builder b = factory.create();
      HttpRequest built = b.build();
      String auth = authorizer.header(scopes);
      if (auth != null && sameOrigin(built.uri())) {
        // Never to another host (an upload Location may name one), nor over another scheme.
        built = HttpRequest.newBuilder(built, (k, v) -> true).header("Authorization", auth).build();
      }
      HttpResponse<InputStream> r;
      try {
        r = http.send(viaProxy(built, what), TimedBody.handler(timeout));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted: " + what);
      } catch (IOException e) {
        String tls = TlsContexts.describe(e, registry);
        if (idempotent && attempt < ATTEMPTS && !TlsContexts.isPermanent(e)) {
          backoff(attempt, what);
          continue;
        }
        throw new RegistryException(0, null, tls != null ? tls : "no answer from " + registry
            + ": " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), what);
      }
      int status = r.statusCode();
      if (status == 401 && !challenged) {
        challenged = true;
        String header = r.headers().firstValue("WWW-Authenticate").orElse("");
        if (authorizer.answer(header, scopes, what)) {
          r.body().close();
          continue;
        }
        return r; // nothing to answer the challenge with: the 401 is the answer
      }
      if (idempotent && attempt < ATTEMPTS
          && (status == 429 || status == 502 || status == 503 || status == 504)) {
        r.body().close();
        backoff(attempt, what);
        continue;
      }
      return r;
    }
  }

  /**
   * {@code request} as it goes to the proxy the environment names for it: with {@code
   * Proxy-Authorization} when the proxy URL has credentials (plain HTTP only).
   *
   * @throws RegistryException when that proxy cannot be used (it is never bypassed)
   */
  private HttpRequest viaProxy(HttpRequest request, String what) throws RegistryException {
    EnvProxySelector.Route route = proxies.route(request.uri());
    if (route.refusal() != null) {
      throw new RegistryException(0, null, route.refusal(), what);
    }
    if (route.proxyAuthorization() == null) {
      return request;
    }
    return HttpRequest.newBuilder(request, (k, v) -> true)
        .header("Proxy-Authorization", route.proxyAuthorization()).build();
  }

  /** The token scope of {@code actions} on {@code repository}. */
  static String scope(String repository, String actions) {
    return "repository:" + repository + ":" + actions;
  }

  /** Whether {@code uri} is the registry itself: scheme, host and port. */
  boolean sameOrigin(URI uri) {
    return Objects.equals(uri.getScheme(), base.getScheme())
        && Objects.equals(uri.getHost(), base.getHost()) && port(uri) == port(base);
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
  }

  /** Waits before attempt {@code attempt + 1}: 100 ms, then 400 ms. */
  static void backoff(int attempt, String what) throws IOException {
    try {
      Thread.sleep(100L << (2 * (attempt - 1))); // 100 ms, 400 ms
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted: " + what);
    }
  }

  /** Follows blob redirects, dropping Authorization when the host changes. */
  HttpResponse<InputStream> followRedirects(HttpResponse<InputStream> r, String what,
      Map<String, String> headers) throws IOException {
    for (int i = 0; i < MAX_REDIRECTS; i++) {
      int s = r.statusCode();
      if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) {
        return r;
      }
      String location = r.headers().firstValue("Location").orElseThrow(
          () -> new RegistryException(s, null, "redirect without a Location", what));
      r.body().close();
      URI next;
      HttpRequest.Builder b;
      try {
        next = r.request().uri().resolve(location);
        if (!"http".equals(next.getScheme()) && !"https".equals(next.getScheme())) {
          throw new IllegalArgumentException("not http(s)");
        }
        b = HttpRequest.newBuilder(next).timeout(timeout).GET();
      } catch (IllegalArgumentException e) {
        throw new RegistryException(s, null, "invalid redirect Location " + location, what);
      }
      headers.forEach(b::header);
      Optional<String> auth = r.request().headers().firstValue("Authorization");
      if (auth.isPresent() && sameOrigin(next)) {
        b.header("Authorization", auth.get());
      }
      try {
        r = http.send(viaProxy(b.build(), what), TimedBody.handler(timeout));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted: " + what);
      }
    }
    r.body().close();
    throw new RegistryException(r.statusCode(), null, "more than " + MAX_REDIRECTS + " redirects",
        what);
  }
}
