package dev.soci.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.soci.oci.OciException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Registry credentials as every container tool finds them: the Docker client configuration
 * ({@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}).
 *
 * <p>For a registry, in this order: its {@code credHelpers} entry names a credential helper;
 * else the {@code credsStore} helper, when one is set and knows the registry; else a static
 * {@code auths} entry ({@code auth}: base64 of {@code user:password}, or {@code
 * username}/{@code password}, or an {@code identitytoken}).
 * A helper is the program {@code docker-credential-<name>}, run as {@code get} with the server
 * on standard input, answering {@code {"Username":…,"Secret":…}}. Keys of {@code auths} may be
 * bare hosts or URLs ({@code https://host/v1/}); Docker Hub's key is {@code
 * https://index.docker.io/v1/}.
 */
public final class DockerConfig {
  /** Config files larger than this are refused: real ones are a few KiB. */
  static final long MAX_CONFIG_SIZE = 1 << 20;
  /** Helper output beyond this is refused. */
  static final int MAX_HELPER_OUTPUT = 64 * 1024;
  private static final long HELPER_TIMEOUT_SECONDS = 30;
  private static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Map<String, JsonNode> auths;
  private final Map<String, String> credHelpers;
  private final String credsStore;
  private final Path helperDir;

  private DockerConfig(Map<String, JsonNode> auths, Map<String, String> credHelpers,
      String credsStore, Path helperDir) {
    this.auths = auths;
    this.credHelpers = credHelpers;
    this.credsStore = credsStore;
    this.helperDir = helperDir;
  }

  /**
   * A configuration with no credentials (anonymous access everywhere).
   *
   * @return a configuration whose {@link #credentialFor} is always empty
   */
  public static DockerConfig empty() {
    return new DockerConfig(Map.of(), Map.of(), null, null);
  }

  /**
   * The current user's configuration: {@code $DOCKER_CONFIG/config.json} or {@code
   * ~/.docker/config.json}; {@link #empty()} when there is none.
   *
   * @return the parsed configuration, or {@link #empty()} when the file does not exist
   * @throws OciException if the file exists but is malformed or too large
   * @throws IOException when the file exists but cannot be read
   */
  public static DockerConfig load() throws IOException {
    String dir = System.getenv("DOCKER_CONFIG");
    Path file = dir != null && !dir.isEmpty() ? Path.of(dir, "config.json")
        : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    return load(file);
  }

  /**
   * The configuration in {@code file}; {@link #empty()} when it does not exist.
   *
   * @param file a Docker {@code config.json}
   * @return the parsed configuration, or {@link #empty()} when {@code file} does not exist
   * @throws OciException if the file is not a valid JSON object or is larger than 1 MiB
   * @throws IOException when the file exists but cannot be read
   */
  public static DockerConfig load(Path file) throws IOException {
    byte[] json;
    try {
      if (Files.size(file) > MAX_CONFIG_SIZE) {
        throw new OciException("docker config " + file + " is larger than " + MAX_CONFIG_SIZE
            + " bytes");
      }
      json = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return empty();
    }
    return parse(json, file.toString(), null);
  }

  /**
   * Parses a configuration; helpers are looked up in {@code helperDir}, or on the {@code PATH}
   * when it is null.
   */
  static DockerConfig parse(byte[] json, String where, Path helperDir) throws OciException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new OciException("docker config " + where + " is not valid JSON: "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new OciException("docker config " + where + " cannot be read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new OciException("docker config " + where + " is not a JSON object");
    }
    Map<String, JsonNode> auths = new LinkedHashMap<>();
    JsonNode a = root.get("auths");
    if (a != null && a.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        auths.put(normaliseKey(e.getKey()), e.getValue());
      }
    }
    Map<String, String> helpers = new LinkedHashMap<>();
    JsonNode h = root.get("credHelpers");
    if (h != null && h.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isTextual()) {
          helpers.put(normaliseKey(e.getKey()), e.getValue().asText());
        }
      }
    }
    JsonNode store = root.get("credsStore");
    return new DockerConfig(auths, helpers,
        store != null && store.isTextual() && !store.asText().isEmpty() ? store.asText() : null,
        helperDir);
  }

  /**
   * The credential for {@code registry} (a host with its optional port, as in {@link
   * ImageReference#registry()}), or empty for anonymous access.
   *
   * @param registry the registry host, with its port when given
   * @return the credential of its credential helper, else of the credentials store, else of its
   *     {@code auths} entry; empty when none has one
   * @throws OciException if an entry is malformed or a helper fails other than by not knowing
   *     the registry
   */
  public Optional<Credential> credentialFor(String registry) throws IOException {
    String key = normaliseKey(registry);
    String helper = credHelpers.get(key);
    if (helper != null) {
      return runHelper(helper, registry);
    }
    if (credsStore != null) {
      // As Docker does: with a store configured, auths entries are mostly empty placeholders.
      Optional<Credential> stored = runHelper(credsStore, registry);
      if (stored.isPresent()) {
        return stored;
      }
    }
    JsonNode entry = auths.get(key);
    return entry != null ? staticCredential(entry, registry) : Optional.empty();
  }

  private static Optional<Credential> staticCredential(JsonNode entry, String registry)
      throws OciException {
    String token = text(entry, "identitytoken");
    if (token != null) {
      return Optional.of(Credential.identityToken(token));
    }
    String auth = text(entry, "auth");
    if (auth != null) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new OciException("docker config: the auth of " + registry + " is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new OciException("docker config: the auth of " + registry
            + " is not user:password");
      }
      return Optional.of(new Credential(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }
    String user = text(entry, "username");
    String password = text(entry, "password");
    return user != null && password != null ? Optional.of(new Credential(user, password))
        : Optional.empty();
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
  }

  private Optional<Credential> runHelper(String name, String registry) throws IOException {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new OciException("docker config: invalid credential helper name \"" + name + "\"");
    }
    String program = "docker-credential-" + name;
    String command = helperDir != null ? helperDir.resolve(program).toString() : program;
    String server = normaliseKey(registry).equals(ImageReference.DOCKER_HUB) ? DOCKER_HUB_KEY
        : registry;
    Path errors = java.nio.file.Files.createTempFile("docker-credential", ".err");
    Process p;
    try {
      // Standard error apart: helpers that succeed may still warn there (gcloud's does).
      p = new ProcessBuilder(command, "get").redirectError(errors.toFile()).start();
    } catch (IOException e) {
      java.nio.file.Files.deleteIfExists(errors);
      throw new OciException("credential helper " + program + " for " + registry
          + " cannot be run: " + e.getMessage(), e);
    }
    byte[] out;
    // Read on a thread of its own, so that a helper that hangs with its output open is still
    // bounded by the timeout below.
    java.util.concurrent.FutureTask<byte[]> reading =
        new java.util.concurrent.FutureTask<>(() -> readBounded(p.getInputStream()));
    Thread reader = new Thread(reading, program + " output");
    reader.setDaemon(true);
    reader.start();
    try {
      try (OutputStream in = p.getOutputStream()) {
        in.write(server.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // a helper that exits without reading its input: its answer still tells
      }
      if (!p.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new OciException("credential helper " + program + " did not finish within "
            + HELPER_TIMEOUT_SECONDS + " s");
      }
      try {
        out = reading.get(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io
            : new OciException("credential helper " + program + ": " + e.getCause(), e.getCause());
      } catch (java.util.concurrent.TimeoutException e) {
        throw new OciException("credential helper " + program + " left its output open");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while running " + program);
    } finally {
      p.destroy();
    }
    String stderr;
    try {
      byte[] e = java.nio.file.Files.readAllBytes(errors);
      stderr = new String(e, 0, Math.min(e.length, 4096), StandardCharsets.UTF_8).strip();
    } finally {
      java.nio.file.Files.deleteIfExists(errors);
    }
    String text = (new String(out, StandardCharsets.UTF_8).strip() + "\n" + stderr).strip();
    if (p.exitValue() != 0) {
      if (text.contains("credentials not found")) {
        return Optional.empty(); // the helpers' own words for "no entry"
      }
      throw new OciException("credential helper " + program + " failed for " + registry
          + " (exit " + p.exitValue() + "): " + firstLine(text));
    }
    JsonNode answer;
    try {
      answer = MAPPER.readTree(out);
    } catch (IOException e) {
      throw new OciException("credential helper " + program + " answered no JSON: "
          + firstLine(text));
    }
    String user = answer == null ? null : text(answer, "Username");
    String secret = answer == null ? null : text(answer, "Secret");
    if (secret == null) {
      return Optional.empty();
    }
    if (user == null) {
      throw new OciException("credential helper " + program + " answered no Username");
    }
    return Optional.of("<token>".equals(user) ? Credential.identityToken(secret)
        : new Credential(user, secret));
  }

  private static byte[] readBounded(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) >= 0) {
      if (b.size() + n > MAX_HELPER_OUTPUT) {
        throw new OciException("credential helper output is larger than " + MAX_HELPER_OUTPUT
            + " bytes");
      }
      b.write(buf, 0, n);
    }
    return b.toByteArray();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  /**
   * The registry a config key names: scheme and path dropped ({@code https://host:5000/v1/} is
   * {@code host:5000}), and Docker Hub's historical names folded into {@code docker.io}.
   */
  static String normaliseKey(String key) {
    String k = Objects.requireNonNull(key).strip();
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    if (slash >= 0) {
      k = k.substring(0, slash);
    }
    k = k.toLowerCase(java.util.Locale.ROOT);
    return k.equals("index.docker.io") || k.equals("registry-1.docker.io") ? ImageReference.DOCKER_HUB
        : k;
  }

  /**
   * A registry credential: a user name and password, or an identity token (an OAuth refresh
   * token, exchanged at the token endpoint), which {@link #isIdentityToken()} tells apart.
   *
   * @param username the user name, or {@code <token>} for an identity token
   * @param secret the password or token
   */
  public record Credential(String username, String secret) {
    /**
     * Checks both are given.
     *
     * @param username the user name, or {@code <token>} for an identity token; not null
     * @param secret the password or token; not null
     */
    public Credential {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(secret, "secret");
    }

    /**
     * An identity token credential.
     *
     * @param token the identity token (an OAuth2 refresh token)
     * @return a credential with user name {@code <token>} and {@code token} as its secret
     */
    public static Credential identityToken(String token) {
      return new Credential("<token>", token);
    }

    /**
     * Whether this is an identity token rather than a user name and password.
     *
     * @return true when the user name is {@code <token>}
     */
    public boolean isIdentityToken() {
      return username.equals("<token>");
    }

    /** Never the secret: credentials end up in logs through toString otherwise. */
    @Override
    public String toString() {
      return "Credential[" + (isIdentityToken() ? "identity token" : "user " + username) + "]";
    }
  }
}
