package dev.soci.oci.registry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real registry for tests: Debian's {@code docker-registry} (distribution 2.8.2) started on a
 * free loopback port with its own storage directory, optionally behind htpasswd Basic auth,
 * and stopped by {@link #close()}. Tests using it are skipped where the package is missing
 * ({@code .ci/run} installs it).
 */
public final class TestRegistry implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (127\\.0\\.0\\.1:\\d+)");

  private final Process process;
  private final String address;
  private final AtomicLong served;
  private final AtomicLong ranges;
  /** An access log line (combined log format): the status, then the body's size. */
  private static final Pattern ACCESS = Pattern.compile("HTTP/[0-9.]+\" (\\d{3}) (\\d+) ");

  private TestRegistry(Process process, String address, AtomicLong served, AtomicLong ranges) {
    this.process = process;
    this.address = address;
    this.served = served;
    this.ranges = ranges;
  }

  /** Of {@link #bytesServed()}, the bytes of range responses (206): layer spans. */
  public long rangeBytesServed() throws InterruptedException {
    Thread.sleep(300);
    return ranges.get();
  }

  /**
   * Bytes of response bodies the registry logged since start or {@link #resetBytesServed()}
   * (only with {@link #startLogged}; the log is read as it comes, so wait a moment after the
   * last request).
   */
  public long bytesServed() throws InterruptedException {
    Thread.sleep(300); // the access log line of the last response may still be in the pipe
    return served.get();
  }

  /** Starts counting {@link #bytesServed()} from zero. */
  public void resetBytesServed() throws InterruptedException {
    Thread.sleep(300);
    served.set(0);
    ranges.set(0);
  }

  /** Whether the registry binary is installed here. */
  public static boolean available() {
    return Files.isExecutable(Path.of("/usr/bin/docker-registry"));
  }

  /** Starts one without authentication. */
  public static TestRegistry start(Path dir) throws Exception {
    return start(dir, null, null);
  }

  /** Starts one that requires {@code user}/{@code password} (htpasswd, bcrypt), or none if null. */
  public static TestRegistry start(Path dir, String user, String password) throws Exception {
    return start(dir, user, password, null);
  }

  /** Starts one that takes Bearer tokens from {@code issuer}. */
  static TestRegistry start(Path dir, TokenIssuer issuer) throws Exception {
    return start(dir, null, null, issuer, null);
  }

  /** Starts one serving TLS with {@code cert} (its PEM certificate and private key). */
  public static TestRegistry startTls(Path dir, SelfSigned cert) throws Exception {
    return start(dir, null, null, null, cert);
  }

  /**
   * Starts one without authentication whose access log is on, so that {@link #bytesServed()}
   * counts the bytes of every response body the registry sent (benchmarks of laziness).
   */
  public static TestRegistry startLogged(Path dir) throws Exception {
    return start(dir, null, null, null, null, true);
  }

  private static TestRegistry start(Path dir, String user, String password, TokenIssuer issuer)
      throws Exception {
    return start(dir, user, password, issuer, null);
  }

  private static TestRegistry start(Path dir, String user, String password, TokenIssuer issuer,
      SelfSigned tls) throws Exception {
    return start(dir, user, password, issuer, tls, false);
  }

  private static TestRegistry start(Path dir, String user, String password, TokenIssuer issuer,
      SelfSigned tls, boolean accessLog) throws Exception {
    Assumptions.assumeTrue(available(), "docker-registry is not installed");
    Files.createDirectories(dir);
    Path storage = Files.createDirectories(dir.resolve("storage"));
    StringBuilder config = new StringBuilder()
        .append("version: 0.1\n")
        .append("log: {level: info, accesslog: {disabled: ").append(!accessLog).append("}}\n")
        .append("storage: {filesystem: {rootdirectory: ").append(storage).append("}, delete: {enabled: true}}\n")
        .append("http: {addr: '127.0.0.1:0', secret: test-only");
    if (tls != null) {
      config.append(", tls: {certificate: ").append(tls.certificate()).append(", key: ")
          .append(tls.key()).append('}');
    }
    config.append("}\n");
    if (user != null) {
      Process h = new ProcessBuilder("htpasswd", "-Bbn", user, password)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String line = new String(h.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!h.waitFor(30, TimeUnit.SECONDS) || h.exitValue() != 0 || line.isEmpty()) {
        throw new IllegalStateException("htpasswd failed");
      }
      Path htpasswd = dir.resolve("htpasswd");
      Files.writeString(htpasswd, line + "\n");
      config.append("auth: {htpasswd: {realm: test-realm, path: ").append(htpasswd).append("}}\n");
    }
    if (issuer != null) {
      config.append("auth: {token: {realm: '").append(issuer.realm()).append("', service: ")
          .append(TokenIssuer.SERVICE).append(", issuer: ").append(TokenIssuer.ISSUER)
          .append(", rootcertbundle: ").append(issuer.certificate()).append("}}\n");
    }
    Path yml = dir.resolve("config.yml");
    Files.writeString(yml, config.toString());
    Process p = new ProcessBuilder("/usr/bin/docker-registry", "serve", yml.toString())
        .redirectErrorStream(true).start();
    CompletableFuture<String> address = new CompletableFuture<>();
    AtomicLong served = new AtomicLong();
    AtomicLong ranges = new AtomicLong();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            address.complete(m.group(1));
          }
          Matcher a = ACCESS.matcher(line);
          if (a.find()) {
            served.addAndGet(Long.parseLong(a.group(2)));
            if (a.group(1).equals("206")) {
              ranges.addAndGet(Long.parseLong(a.group(2)));
            }
          }
        }
      } catch (IOException e) {
        // the process went away
      }
      address.complete(null);
    }, "docker-registry output");
    reader.setDaemon(true);
    reader.start();
    String addr;
    try {
      addr = address.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("docker-registry did not start within 30 s", e);
    }
    if (addr == null) {
      p.destroyForcibly();
      throw new IllegalStateException("docker-registry exited before listening");
    }
    return new TestRegistry(p, addr, served, ranges);
  }

  /** {@code 127.0.0.1:PORT}. */
  public String address() {
    return address;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: it exits
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
