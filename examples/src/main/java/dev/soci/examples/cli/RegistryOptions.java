package dev.soci.examples.cli;

import dev.soci.oci.registry.DockerConfig;
import dev.soci.oci.registry.DockerConfig.Credential;
import dev.soci.oci.registry.RegistryClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How to reach registries named by {@code docker://} images: transport (TLS by default, with
 * an extra CA bundle or without checks; plain HTTP when asked; {@code HTTPS_PROXY},
 * {@code HTTP_PROXY} and {@code NO_PROXY} as Docker reads them) and credentials. Without
 * {@code --user}, credentials come from {@code ~/.docker/config.json} ({@code auths},
 * {@code credHelpers}, {@code credsStore}), as every container tool finds them.
 */
final class RegistryOptions {
  @Option(names = "--plain-http",
      description = "Talk to registries over plain HTTP (a local test registry).")
  boolean plainHttp;

  @Option(names = "--insecure",
      description = "Do not check registries' TLS certificates (a test registry only).")
  boolean insecure;

  @Option(names = "--ca-file", paramLabel = "PEM",
      description = "Also trust the CA certificates in this PEM file (a private registry's CA).")
  java.nio.file.Path caFile;

  @Option(names = "--user", paramLabel = "USER[:PASSWORD]",
      description = "Registry credential (else ~/.docker/config.json); without the password, "
          + "give --password-stdin.")
  String user;

  @Option(names = "--password-stdin",
      description = "Read the registry password from the first line of standard input.")
  boolean passwordStdin;

  private final Map<String, RegistryClient> clients = new HashMap<>();
  private Credential given;
  private String userRegistry;

  /** Checks the options that need no I/O; call before any work. */
  void validate(CommandLine cl) {
    if (passwordStdin && user == null) {
      throw new CommandLine.ParameterException(cl, "--password-stdin needs --user USER");
    }
    if (user != null && !user.contains(":") && !passwordStdin) {
      throw new CommandLine.ParameterException(cl,
          "--user without a password needs --password-stdin");
    }
    if (plainHttp && (insecure || caFile != null)) {
      throw new CommandLine.ParameterException(cl,
          "--plain-http uses no TLS: --insecure and --ca-file do not apply");
    }
    if (user != null && user.contains(":") && passwordStdin) {
      throw new CommandLine.ParameterException(cl,
          "--user USER:PASSWORD and --password-stdin both give a password");
    }
  }

  /** A client for {@code registry}, one per registry for the command's life. */
  RegistryClient client(String registry) throws IOException {
    RegistryClient c = clients.get(registry);
    if (c == null) {
      RegistryClient.Builder b = RegistryClient.builder(registry).plainHttp(plainHttp)
          .insecure(insecure);
      if (caFile != null) {
        b.caCertificates(caFile);
      }
      credential(registry).ifPresent(b::credential);
      c = b.build();
      clients.put(registry, c);
    }
    return c;
  }

  private Optional<Credential> credential(String registry) throws IOException {
    if (user == null) {
      return DockerConfig.load().credentialFor(registry);
    }
    // One --user is for one registry: never sent to a second one (a convert between two).
    if (userRegistry != null && !userRegistry.equals(registry)) {
      throw new IOException("--user is for one "
          + "registry, and this command talks to " + userRegistry + " and " + registry
          + "; give the credentials in ~/.docker/config.json (docker login) instead");
    }
    userRegistry = registry;
    if (given == null) {
      int colon = user.indexOf(':');
      if (colon >= 0) {
        given = new Credential(user.substring(0, colon), user.substring(colon + 1));
      } else {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
            StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null || line.isEmpty()) {
          throw new IOException("--password-stdin: standard input gave no password");
        }
        // As docker login does: only the line ending goes (spaces may be in the password).
        given = new Credential(user, line.endsWith("\r") ? line.substring(0, line.length() - 1)
            : line);
      }
    }
    return Optional.of(given);
  }
}
