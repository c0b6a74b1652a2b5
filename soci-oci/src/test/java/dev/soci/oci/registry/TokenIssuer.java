package dev.soci.oci.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token server of Docker's token protocol, ours since none is packaged here: it answers
 * {@code GET /token?service=S&scope=repository:NAME:ACTIONS} with an RS256 JWT (certificate in
 * {@code x5c}) that the real registry verifies against {@link #certificate()}, granting what the
 * scope asks for, to the one user it knows (Basic credentials) or to no one when it knows none.
 * Given a refresh token, it also answers OAuth2's {@code POST /token} (form {@code
 * grant_type=refresh_token}, {@code refresh_token}, {@code service}, {@code client_id}, {@code
 * scope}: space-separated) with {@code {"access_token":...}}, granting each scope; without one,
 * a POST is a 404, as on token servers that have no OAuth2.
 */
final class TokenIssuer implements AutoCloseable {
  static final String SERVICE = "test-registry";
  static final String ISSUER = "test-issuer";

  private final HttpServer server;
  private final PrivateKey key;
  private final X509Certificate cert;
  private final Path certificate;
  private final String expectedAuthorization;
  private final String refreshToken;
  /** Each OAuth2 form received, decoded. */
  final List<java.util.Map<String, String>> oauthForms =
      java.util.Collections.synchronizedList(new ArrayList<>());
  /** Each GET's raw query. */
  final List<String> getQueries = java.util.Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger tokensIssued = new AtomicInteger();
  final List<String> scopes = java.util.Collections.synchronizedList(new ArrayList<>());

  private TokenIssuer(Path dir, String user, String password, String refreshToken)
      throws Exception {
    this.refreshToken = refreshToken;
    Path ks = dir.resolve("issuer.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "issuer", "-keyalg", "RSA", "-keysize", "2048",
        "-sigalg", "SHA256withRSA", "-dname", "CN=" + ISSUER, "-validity", "2",
        "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit",
        "-keypass", "changeit").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed");
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(ks.toFile())) {
      store.load(in, "changeit".toCharArray());
    }
    key = (PrivateKey) store.getKey("issuer", "changeit".toCharArray());
    cert = (X509Certificate) store.getCertificate("issuer");
    certificate = dir.resolve("issuer.pem");
    Files.writeString(certificate, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    expectedAuthorization = user == null ? null : "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/token", this::token);
    server.start();
  }

  static TokenIssuer start(Path dir, String user, String password) throws Exception {
    return new TokenIssuer(Files.createDirectories(dir), user, password, null);
  }

  /** One that also exchanges {@code refreshToken} (an identity token) by OAuth2 POST. */
  static TokenIssuer start(Path dir, String user, String password, String refreshToken)
      throws Exception {
    return new TokenIssuer(Files.createDirectories(dir), user, password, refreshToken);
  }

  /** The realm URL for the registry's config. */
  String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** The PEM file of the signing certificate, the registry's {@code rootcertbundle}. */
  Path certificate() {
    return certificate;
  }

  private void token(HttpExchange x) throws IOException {
    try (x) {
      if (x.getRequestMethod().equals("POST")) {
        oauth(x);
        return;
      }
      String auth = x.getRequestHeaders().getFirst("Authorization");
      if (expectedAuthorization != null && !expectedAuthorization.equals(auth)) {
        reply(x, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}");
        return;
      }
      List<String> requested = new ArrayList<>();
      String query = x.getRequestURI().getRawQuery();
      getQueries.add(query == null ? "" : query);
      for (String kv : query == null ? new String[0] : query.split("&")) {
        if (kv.startsWith("scope=")) {
          requested.add(URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8));
        }
      }
      reply(x, 200, "{\"token\":\"" + jwt(requested, expectedAuthorization != null)
          + "\",\"expires_in\":300}");
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  /** OAuth2's refresh token grant. */
  private void oauth(HttpExchange x) throws IOException, java.security.GeneralSecurityException {
    if (refreshToken == null) {
      reply(x, 404, "404 page not found");
      return;
    }
    java.util.Map<String, String> form = new java.util.LinkedHashMap<>();
    String type = x.getRequestHeaders().getFirst("Content-Type");
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    for (String kv : body.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    oauthForms.add(form);
    if (!"application/x-www-form-urlencoded".equals(type)
        || !"refresh_token".equals(form.get("grant_type"))
        || form.getOrDefault("client_id", "").isEmpty() || !SERVICE.equals(form.get("service"))) {
      reply(x, 400, "{\"error\":\"invalid_request\"}");
      return;
    }
    if (!refreshToken.equals(form.get("refresh_token"))) {
      reply(x, 401, "{\"error\":\"invalid_grant\"}");
      return;
    }
    String scope = form.getOrDefault("scope", "");
    List<String> requested = scope.isEmpty() ? List.of() : List.of(scope.split(" "));
    reply(x, 200, "{\"access_token\":\"" + jwt(requested, true) + "\",\"expires_in\":300,"
        + "\"scope\":\"" + scope + "\"}");
  }

  /** A signed token granting each of {@code requested} when {@code grant}, else nothing. */
  private String jwt(List<String> requested, boolean grant)
      throws java.security.GeneralSecurityException {
    List<String> access = new ArrayList<>();
    for (String scope : requested) {
      scopes.add(scope);
      String[] parts = scope.split(":");
      if (parts.length == 3 && parts[0].equals("repository") && grant) {
        access.add("{\"type\":\"repository\",\"name\":\"" + parts[1] + "\",\"actions\":[\""
            + String.join("\",\"", parts[2].split(",")) + "\"]}");
      }
    }
    long now = System.currentTimeMillis() / 1000;
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\""
        + Base64.getEncoder().encodeToString(cert.getEncoded()) + "\"]}";
    String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"user\",\"aud\":\"" + SERVICE
        + "\",\"exp\":" + (now + 300) + ",\"nbf\":" + (now - 10) + ",\"iat\":" + now
        + ",\"jti\":\"" + UUID.randomUUID() + "\",\"access\":[" + String.join(",", access) + "]}";
    String signingInput = b64url(header) + "." + b64url(claims);
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(key);
    s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    tokensIssued.incrementAndGet();
    return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
  }

  private static String b64url(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void reply(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
