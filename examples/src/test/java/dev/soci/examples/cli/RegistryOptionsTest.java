package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.registry.ImageReference;
import dev.soci.oci.registry.RegistryClient;
import dev.soci.oci.registry.RegistryStore;
import dev.soci.oci.registry.SelfSigned;
import dev.soci.oci.registry.TestRegistry;
import dev.soci.oci.store.ImageGraph;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's registry options against real registries (distribution 2.8.2): TLS with an
 * internal CA ({@code --ca-file}) or unchecked ({@code --insecure}), htpasswd credentials
 * ({@code --user}), and the one-line errors when they are wrong or missing.
 */
class RegistryOptionsTest {
  @TempDir static Path dir;
  private static SelfSigned cert;
  private static TestRegistry tls;
  private static TestRegistry basic;

  @BeforeAll
  static void start() throws Exception {
    cert = SelfSigned.create(dir.resolve("certs"), "cli-registry", "ip:127.0.0.1");
    tls = TestRegistry.startTls(dir.resolve("tls"), cert);
    basic = TestRegistry.start(dir.resolve("basic"), "alice", "wonderland");
    // The sample image in both, pushed with the library.
    try (OciLayout sample = OciLayout.open(CliTestSupport.sample())) {
      RegistryClient c = RegistryClient.builder(tls.address()).caCertificates(cert.certificate())
          .build();
      ImageGraph.copy(sample, sample.resolve(null),
          RegistryStore.of(c, ImageReference.parse(tls.address() + "/app:1")), "1");
      RegistryClient b = RegistryClient.builder(basic.address()).plainHttp(true)
          .credential(new dev.soci.oci.registry.DockerConfig.Credential("alice", "wonderland"))
          .build();
      ImageGraph.copy(sample, sample.resolve(null),
          RegistryStore.of(b, ImageReference.parse(basic.address() + "/app:1")), "1");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (tls != null) {
      tls.close();
    }
    if (basic != null) {
      basic.close();
    }
  }

  @Test
  void tlsWithTheRegistrysCaOrWithoutChecks() {
    String image = "docker://" + tls.address() + "/app:1";
    CliTestSupport.Result untrusted = CliTestSupport.run("index", "list", image);
    assertThat(untrusted.exit()).isEqualTo(1);
    assertThat(untrusted.err().lines().toList()).singleElement().asString()
        .startsWith("soci: error: ").contains("certificate").contains("--ca-file");
    CliTestSupport.Result trusted = CliTestSupport.run("index", "list", "--ca-file",
        cert.certificate().toString(), image);
    assertThat(trusted.exit()).as(trusted.err()).isZero();
    CliTestSupport.Result insecure = CliTestSupport.run("index", "list", "--insecure", image);
    assertThat(insecure.exit()).as(insecure.err()).isZero();
    CliTestSupport.Result contradiction = CliTestSupport.run("index", "list", "--plain-http",
        "--insecure", image);
    assertThat(contradiction.exit()).isEqualTo(2);
  }

  @Test
  void credentialsRightWrongAndMissing() {
    String image = "docker://" + basic.address() + "/app:1";
    CliTestSupport.Result anonymous = CliTestSupport.run("index", "list", "--plain-http", image);
    assertThat(anonymous.exit()).isEqualTo(1);
    assertThat(anonymous.err().lines().toList()).singleElement().asString()
        .startsWith("soci: error: unauthorized");
    CliTestSupport.Result wrong = CliTestSupport.run("index", "list", "--plain-http", "--user",
        "alice:nope", image);
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err().lines().toList()).singleElement().asString()
        .startsWith("soci: error: unauthorized");
    CliTestSupport.Result right = CliTestSupport.run("create", "--plain-http", "--user",
        "alice:wonderland", "--min-layer-size", "0", image);
    assertThat(right.exit()).as(right.err()).isZero();
    assertThat(right.out()).startsWith("soci-index sha256:");
    CliTestSupport.Result twoRegistries = CliTestSupport.run("convert", "--plain-http",
        "--user", "alice:wonderland", "--min-layer-size", "0", image,
        "docker://" + tls.address() + "/copy:1");
    assertThat(twoRegistries.exit()).isEqualTo(1);
    assertThat(twoRegistries.err().lines().toList()).singleElement().asString()
        .contains("--user is for one registry");
    CliTestSupport.Result noPassword = CliTestSupport.run("index", "list", "--plain-http",
        "--user", "alice", image);
    assertThat(noPassword.exit()).isEqualTo(2);
    assertThat(noPassword.err()).contains("--password-stdin");
  }
}
