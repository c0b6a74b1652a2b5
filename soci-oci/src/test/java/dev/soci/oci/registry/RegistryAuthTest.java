package dev.soci.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.registry.DockerConfig.Credential;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token auth against the real registry with the test's token issuer: identity tokens exchanged
 * by OAuth2 refresh-token grants; cross-repository mounts, whose token must cover both
 * repositories (the issuer grants exactly the scopes asked for).
 */
class RegistryAuthTest {
  private static final String IDENTITY_TOKEN = "identity-token-of-bob";

  @TempDir static Path dir;
  private static TokenIssuer issuer;
  private static TestRegistry registry;
  private static TokenIssuer noOauthIssuer;
  private static TestRegistry noOauth;

  @BeforeAll
  static void start() throws Exception {
    issuer = TokenIssuer.start(dir.resolve("issuer"), "bob", "builder", IDENTITY_TOKEN);
    registry = TestRegistry.start(dir.resolve("registry"), issuer);
    noOauthIssuer = TokenIssuer.start(dir.resolve("issuer-get-only"), "bob", "builder");
    noOauth = TestRegistry.start(dir.resolve("registry-get-only"), noOauthIssuer);
  }

  @AfterAll
  static void stop() throws Exception {
    for (TestRegistry r : new TestRegistry[] {registry, noOauth}) {
      if (r != null) {
        r.close();
      }
    }
    for (TokenIssuer i : new TokenIssuer[] {issuer, noOauthIssuer}) {
      if (i != null) {
        i.close();
      }
    }
  }

  private static RegistryClient client(TestRegistry r, Credential c) {
    return RegistryClient.builder(r.address()).plainHttp(true).credential(c)
        .environment(Map.of()).build();
  }

  private static Descriptor push(RegistryClient c, String repo, String text) throws Exception {
    byte[] content = text.getBytes(StandardCharsets.UTF_8);
    Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR, content);
    assertThat(c.pushBlob(repo, d, HttpRequest.BodyPublishers.ofByteArray(content))).isTrue();
    return d;
  }

  @Test
  void anIdentityTokenIsExchangedAsAnOAuthRefreshToken() throws Exception {
    RegistryClient c = client(registry, Credential.identityToken(IDENTITY_TOKEN));
    int gets = issuer.getQueries.size();
    int before = issuer.oauthForms.size();
    Descriptor d = push(c, "identity/app", "pushed with an identity token");
    try (InputStream in = c.openBlob("identity/app", d)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("pushed with an identity token");
    }
    assertThat(issuer.getQueries).as("no GET: the token is no password").hasSize(gets);
    List<Map<String, String>> forms = List.copyOf(issuer.oauthForms)
        .subList(before, issuer.oauthForms.size());
    assertThat(forms).isNotEmpty().allSatisfy(f -> {
      assertThat(f).containsEntry("grant_type", "refresh_token")
          .containsEntry("refresh_token", IDENTITY_TOKEN)
          .containsEntry("client_id", "soci-java")
          .containsEntry("service", TokenIssuer.SERVICE);
      assertThat(f.get("scope")).startsWith("repository:identity/app:");
    });
  }

  @Test
  void aWrongIdentityTokenIsOneClearError() {
    RegistryClient c = client(registry, Credential.identityToken("not-the-token"));
    assertThatThrownBy(() -> c.blobExists("identity/other", Descriptor.forContent("x", new byte[1]).digest()))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.getMessage()).contains("refused the identity token: invalid_grant")
              .contains("POST identity token to 127.0.0.1").doesNotContain("not-the-token");
        });
  }

  @Test
  void aTokenServerWithoutOAuthSaysSo() {
    RegistryClient c = client(noOauth, Credential.identityToken(IDENTITY_TOKEN));
    assertThatThrownBy(() -> c.blobExists("identity/app", Descriptor.forContent("x", new byte[1]).digest()))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.getMessage()).contains("does not take identity tokens");
        });
    assertThat(noOauthIssuer.getQueries).as("no fallback to GET").isEmpty();
  }

  @Test
  void aMountAsksOneTokenForBothRepositories() throws Exception {
    RegistryClient bob = client(registry, new Credential("bob", "builder"));
    Descriptor d = push(bob, "mount/source", "mounted, not uploaded");
    int before = issuer.getQueries.size();
    assertThat(bob.mountBlob("mount/target", d.digest(), "mount/source")).isTrue();
    List<String> queries = List.copyOf(issuer.getQueries).subList(before, issuer.getQueries.size());
    assertThat(queries).anySatisfy(q -> assertThat(q)
        .contains("scope=repository%3Amount%2Ftarget%3Apull%2Cpush")
        .contains("scope=repository%3Amount%2Fsource%3Apull"));
    try (InputStream in = bob.openBlob("mount/target", d)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("mounted, not uploaded");
    }
  }

  @Test
  void aMountWithAnIdentityTokenAsksBothScopesInOneGrant() throws Exception {
    RegistryClient c = client(registry, Credential.identityToken(IDENTITY_TOKEN));
    Descriptor d = push(c, "mount/id-source", "mounted with an identity token");
    int before = issuer.oauthForms.size();
    assertThat(c.mountBlob("mount/id-target", d.digest(), "mount/id-source")).isTrue();
    List<Map<String, String>> forms = List.copyOf(issuer.oauthForms)
        .subList(before, issuer.oauthForms.size());
    // OAuth2 takes one scope parameter, the scopes separated by spaces.
    assertThat(forms).anySatisfy(f -> assertThat(f.get("scope").split(" "))
        .contains("repository:mount/id-target:pull,push", "repository:mount/id-source:pull"));
    assertThat(c.blobExists("mount/id-target", d.digest())).isTrue();
  }
}
