package dev.soci.oci.registry;

import static dev.soci.oci.registry.Responses.checkStatus;
import static dev.soci.oci.registry.Responses.readBounded;
import static dev.soci.oci.registry.Responses.withQuery;

import dev.soci.oci.internal.AuthChallenge;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.soci.oci.registry.DockerConfig.Credential;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code Authorization} a client's requests carry: it answers a registry's {@code
 * WWW-Authenticate} challenge (a {@code Bearer} one with a token from its realm, for the
 * challenge's service and the scopes the request needs plus those the challenge names; a {@code
 * Basic} one with the credential) and keeps the answer, per set of scopes for tokens. A
 * cross-repository mount needs {@code repository:<to>:pull,push} and {@code
 * repository:<from>:pull} in one token.
 *
 * <p>A token is asked for as Docker does: with a user name and password, {@code GET
 * realm?service=S&scope=A&scope=B} with Basic credentials (or none, anonymously); with an identity
 * token (what {@code docker login} stores for registries that issue one), an OAuth2 refresh
 * token grant, {@code POST realm} of the form {@code grant_type=refresh_token}, {@code service},
 * {@code scope}, {@code client_id=soci-java} and {@code refresh_token}, answered with JSON
 * {@code access_token}. A token server that does not take that POST fails the request with a
 * {@link RegistryException} saying so: an identity token is no password to send with GET.
 */
final class Authorizer {
  /** Sends one request as it is (no challenge answering, no retry). */
  @FunctionalInterface
  interface Transport {
    HttpResponse<InputStream> send(HttpRequest request, String what) throws IOException;
  }

  /** The OAuth2 {@code client_id} of identity token grants. */
  static final String CLIENT_ID = "soci-java";
  private static final int MAX_TOKEN_BODY = 1 << 20;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Credential credential;
  private final boolean plainHttp;
  private final Duration timeout;
  private final Transport transport;
  /** Authorization header per scope ("" for Basic, which is the same for every scope). */
  private final Map<String, String> cache = new ConcurrentHashMap<>();

  /**
   * @param credential the credential, or null (anonymous)
   * @param plainHttp whether the registry is plain HTTP (then so may its token realm be)
   */
  Authorizer(Credential credential, boolean plainHttp, Duration timeout, Transport transport) {
    this.credential = credential;
    this.plainHttp = plainHttp;
    this.timeout = timeout;
    this.transport = transport;
  }

  /** The header for a request needing {@code scopes}, or null when none is known yet. */
  String header(List<String> scopes) {
    return cache.getOrDefault(String.join(" ", scopes), cache.get(""));
  }

  /**
   * Works out the Authorization header a challenge asks for, and caches it; false when there is
   * nothing to send (no challenge this client can answer, or no credential for Basic).
   */
  boolean answer(String challenge, List<String> scopes, String what) throws IOException {
    List<AuthChallenge> challenges;
    try {
      challenges = AuthChallenge.parse(challenge);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(401, "UNAUTHORIZED", e.getMessage(), what);
    }
    for (AuthChallenge c : challenges) {
      if (c.scheme().equals("bearer")) {
        String realm = c.param("realm").orElseThrow(() -> new RegistryException(401,
            "UNAUTHORIZED", "Bearer challenge without a realm", what));
        // The scopes the request needs and those the challenge names (a space-separated list:
        // distribution names both repositories of a mount there).
        List<String> wanted = new ArrayList<>(scopes);
        wanted.addAll(List.of(c.param("scope").orElse("").strip().split(" +")));
        cache.put(String.join(" ", scopes), "Bearer " + token(realm,
            c.param("service").orElse(null), merge(wanted), what));
        return true;
      }
    }
    for (AuthChallenge c : challenges) {
      if (c.scheme().equals("basic") && credential != null && !credential.isIdentityToken()) {
        cache.put("", basic(credential));
        return true;
      }
    }
    return false;
  }

  /**
   * {@code scopes} with the actions on each resource merged ({@code repository:a:pull} and
   * {@code repository:a:push,pull} are {@code repository:a:pull,push}), in first-seen order.
   */
  static List<String> merge(List<String> scopes) {
    Map<String, Set<String>> actions = new LinkedHashMap<>();
    for (String s : scopes) {
      int first = s.indexOf(':');
      int last = s.lastIndexOf(':');
      if (s.isBlank()) {
        continue;
      }
      if (first < 0 || first == last) {
        actions.putIfAbsent(s, null); // not type:name:actions: kept as it is
        continue;
      }
      Set<String> set = actions.computeIfAbsent(s.substring(0, last), k -> new LinkedHashSet<>());
      for (String action : s.substring(last + 1).split(",")) {
        if (!action.isBlank()) {
          set.add(action.strip());
        }
      }
    }
    List<String> out = new ArrayList<>();
    actions.forEach((resource, set) -> out.add(set == null ? resource
        : resource + ":" + String.join(",", set)));
    return out;
  }

  private static String basic(Credential c) {
    return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.secret())
        .getBytes(StandardCharsets.UTF_8));
  }

  /** A token from the realm: GET with Basic credentials, or the identity token's OAuth2 POST. */
  private String token(String realm, String service, List<String> scopes, String what)
      throws IOException {
    boolean oauth = credential != null && credential.isIdentityToken();
    StringBuilder q = new StringBuilder();
    if (service != null) {
      q.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8)).append('&');
    }
    String scope = String.join(" ", scopes);
    if (oauth) { // OAuth2: one parameter, a space-separated list
      q.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
    } else { // Docker's GET: the parameter once per scope
      q.append(scopes.stream().map(s -> "scope=" + URLEncoder.encode(s, StandardCharsets.UTF_8))
          .collect(java.util.stream.Collectors.joining("&")));
    }
    URI uri;
    HttpRequest.Builder b;
    try {
      if (oauth) {
        uri = URI.create(realm);
        q.append("&grant_type=refresh_token&client_id=").append(CLIENT_ID)
            .append("&refresh_token=")
            .append(URLEncoder.encode(credential.secret(), StandardCharsets.UTF_8));
        b = HttpRequest.newBuilder(uri).timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(q.toString(), StandardCharsets.UTF_8));
      } else {
        uri = withQuery(URI.create(realm), q.toString());
        b = HttpRequest.newBuilder(uri).timeout(timeout).GET();
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host");
      }
    } catch (IllegalArgumentException e) {
      throw new RegistryException(401, "UNAUTHORIZED", "invalid token realm " + realm, what);
    }
    if (!"https".equals(uri.getScheme()) && !plainHttp) {
      // Credentials of a TLS registry never go to a realm in clear text.
      throw new RegistryException(401, "UNAUTHORIZED", "the token realm " + realm
          + " is not https (plain HTTP is used only when asked for)", what);
    }
    if (credential != null && !oauth) {
      b.header("Authorization", basic(credential));
    }
    String tokenWhat = (oauth ? "POST identity token to " : "GET token from ") + uri.getHost()
        + " for " + scope;
    HttpResponse<InputStream> r;
    try {
      r = transport.send(b.build(), tokenWhat);
    } catch (java.io.InterruptedIOException | RegistryException e) {
      throw e;
    } catch (IOException e) {
      String tls = TlsContexts.describe(e, uri.getHost());
      throw new RegistryException(0, null, tls != null ? tls : "no answer from the token server: "
          + e.getMessage(), tokenWhat);
    }
    try (InputStream body = r.body()) {
      if (oauth && r.statusCode() != 200) {
        throw refused(r, body, tokenWhat);
      }
      checkStatus(r, body, tokenWhat, 200);
      JsonNode json = MAPPER.readTree(readBounded(body, MAX_TOKEN_BODY,
          "token response"));
      JsonNode token = json == null ? null : json.has("token") ? json.get("token")
          : json.get("access_token");
      if (token == null || !token.isTextual() || token.asText().isEmpty()) {
        throw new RegistryException(r.statusCode(), null, "the token response holds no token",
            tokenWhat);
      }
      return token.asText();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new RegistryException(r.statusCode(), null, "the token response is not JSON",
          tokenWhat);
    }
  }

  /**
   * Why the token server did not exchange the identity token: no OAuth2 POST there (404, 405,
   * as some servers answer), or its OAuth2 error ({@code {"error":"invalid_grant"}}).
   */
  private static RegistryException refused(HttpResponse<?> r, InputStream body, String what) {
    int status = r.statusCode();
    if (status == 404 || status == 405) {
      return new RegistryException(status, null, "the token server does not take identity tokens"
          + " (no OAuth2 POST)", what);
    }
    String error = null;
    try {
      JsonNode json = MAPPER.readTree(readBounded(body, MAX_TOKEN_BODY,
          "token error"));
      if (json != null && json.path("error").isTextual()) {
        error = json.get("error").asText();
      }
    } catch (IOException unreadable) {
      // The status says enough.
    }
    String detail = "the token server refused the identity token"
        + (error != null ? ": " + error.replaceAll("[\\r\\n]", " ") : "");
    return new RegistryException(status, status == 401 ? "UNAUTHORIZED" : null,
        detail.length() > 300 ? detail.substring(0, 300) + "…" : detail, what);
  }
}
