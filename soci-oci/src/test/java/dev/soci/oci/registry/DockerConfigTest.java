package dev.soci.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.OciException;
import dev.soci.oci.registry.DockerConfig.Credential;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials from a Docker config, helpers being real programs (shell scripts) run here. */
class DockerConfigTest {
  @TempDir Path tmp;

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code docker-credential-<name>} as a shell script with {@code body}. */
  private void helper(String name, String body) throws Exception {
    Path p = tmp.resolve("docker-credential-" + name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void staticAuthsByHostOrUrl() throws Exception {
    DockerConfig c = DockerConfig.parse(json("{\"auths\":{"
        + "\"127.0.0.1:5000\":{\"auth\":\"" + b64("alice:s3cr:et") + "\"},"
        + "\"https://index.docker.io/v1/\":{\"username\":\"bob\",\"password\":\"pw\"},"
        + "\"https://r.example/\":{\"identitytoken\":\"tok\"}}}"), "test", tmp);
    assertThat(c.credentialFor("127.0.0.1:5000")).contains(new Credential("alice", "s3cr:et"));
    assertThat(c.credentialFor("docker.io")).contains(new Credential("bob", "pw"));
    assertThat(c.credentialFor("r.example").orElseThrow().isIdentityToken()).isTrue();
    assertThat(c.credentialFor("other.example")).isEmpty();
    assertThat(new Credential("alice", "s3cr:et").toString()).doesNotContain("s3cr");
  }

  @Test
  void credHelpersWinOverAuthsAndGetTheServerOnStdin() throws Exception {
    helper("fake", "read server; echo \"{\\\"Username\\\":\\\"u-$server\\\",\\\"Secret\\\":\\\"p\\\"}\"");
    DockerConfig c = DockerConfig.parse(json("{\"auths\":{\"r.example\":{\"auth\":\""
        + b64("static:pw") + "\"}},\"credHelpers\":{\"r.example\":\"fake\"}}"), "test", tmp);
    assertThat(c.credentialFor("r.example")).contains(new Credential("u-r.example", "p"));
  }

  @Test
  void credsStoreIsTheFallbackAndNotFoundMeansAnonymous() throws Exception {
    helper("store", "read server; if [ \"$server\" = https://index.docker.io/v1/ ]; then"
        + " echo '{\"Username\":\"<token>\",\"Secret\":\"refresh\"}'; else"
        + " echo 'credentials not found in native keychain'; exit 1; fi");
    DockerConfig c = DockerConfig.parse(json("{\"credsStore\":\"store\"}"), "test", tmp);
    Credential hub = c.credentialFor("docker.io").orElseThrow();
    assertThat(hub.isIdentityToken()).isTrue();
    assertThat(hub.secret()).isEqualTo("refresh");
    assertThat(c.credentialFor("r.example")).isEmpty();
  }

  @Test
  void aFailingOrMissingHelperIsOneClearError() throws Exception {
    helper("broken", "echo 'keychain locked'; exit 3");
    DockerConfig broken = DockerConfig.parse(json("{\"credsStore\":\"broken\"}"), "test", tmp);
    assertThatThrownBy(() -> broken.credentialFor("r.example")).isInstanceOf(OciException.class)
        .hasMessageContaining("docker-credential-broken").hasMessageContaining("exit 3")
        .hasMessageContaining("keychain locked");
    DockerConfig missing = DockerConfig.parse(json("{\"credsStore\":\"absent\"}"), "test", tmp);
    assertThatThrownBy(() -> missing.credentialFor("r.example")).isInstanceOf(OciException.class)
        .hasMessageContaining("cannot be run");
    DockerConfig hostile = DockerConfig.parse(json("{\"credsStore\":\"../../bin/sh\"}"), "test", tmp);
    assertThatThrownBy(() -> hostile.credentialFor("r.example")).isInstanceOf(OciException.class)
        .hasMessageContaining("invalid credential helper name");
  }

  @Test
  void malformedConfigsAndEntriesAreTyped() throws Exception {
    assertThatThrownBy(() -> DockerConfig.parse(json("{"), "cfg", tmp))
        .isInstanceOf(OciException.class).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> DockerConfig.parse(json("[]"), "cfg", tmp))
        .isInstanceOf(OciException.class).hasMessageContaining("not a JSON object");
    DockerConfig c = DockerConfig.parse(json("{\"auths\":{\"a.example\":{\"auth\":\"%%%\"},"
        + "\"b.example\":{\"auth\":\"" + b64("nocolon") + "\"}}}"), "cfg", tmp);
    assertThatThrownBy(() -> c.credentialFor("a.example")).hasMessageContaining("not base64");
    assertThatThrownBy(() -> c.credentialFor("b.example")).hasMessageContaining("user:password");
  }

  @Test
  void aHelperWarningOnStandardErrorStillAnswers() throws Exception {
    helper("warns", "read server; echo 'WARNING: deprecated' >&2;"
        + " echo '{\"Username\":\"u\",\"Secret\":\"s\"}'");
    DockerConfig c = DockerConfig.parse(json("{\"credHelpers\":{\"r.example\":\"warns\"}}"), "t", tmp);
    assertThat(c.credentialFor("r.example")).contains(new Credential("u", "s"));
  }

  @Test
  void theStoreWinsOverPlaceholderAuths() throws Exception {
    helper("store2", "read server; echo '{\"Username\":\"from-store\",\"Secret\":\"s\"}'");
    DockerConfig c = DockerConfig.parse(json("{\"auths\":{\"r.example\":{}},\"credsStore\":\"store2\"}"),
        "t", tmp);
    assertThat(c.credentialFor("r.example")).contains(new Credential("from-store", "s"));
  }

  @Test
  void aMissingFileIsAnonymous() throws Exception {
    assertThat(DockerConfig.load(tmp.resolve("none.json")).credentialFor("docker.io")).isEmpty();
  }
}
