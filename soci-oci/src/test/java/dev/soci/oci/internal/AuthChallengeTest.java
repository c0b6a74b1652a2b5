package dev.soci.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthChallengeTest {

  @Test
  void aBearerChallengeAsDistributionSendsIt() {
    List<AuthChallenge> c = AuthChallenge.parse("Bearer realm=\"https://auth.example/token\","
        + "service=\"registry.example\",scope=\"repository:library/app:pull,push\"");
    assertThat(c).hasSize(1);
    assertThat(c.get(0).scheme()).isEqualTo("bearer");
    assertThat(c.get(0).params()).containsExactly(
        Map.entry("realm", "https://auth.example/token"),
        Map.entry("service", "registry.example"),
        Map.entry("scope", "repository:library/app:pull,push"));
    assertThat(c.get(0).param("REALM")).contains("https://auth.example/token");
  }

  @Test
  void severalChallengesTokensEscapesAndSpaces() {
    List<AuthChallenge> c = AuthChallenge.parse(
        "Basic realm=\"Registry \\\"Realm\\\"\" , Bearer  realm = https://a/t , error=invalid_token,"
            + " Negotiate");
    assertThat(c).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer", "negotiate");
    assertThat(c.get(0).params()).containsExactly(Map.entry("realm", "Registry \"Realm\""));
    assertThat(c.get(1).params()).containsExactly(Map.entry("realm", "https://a/t"),
        Map.entry("error", "invalid_token"));
    assertThat(c.get(2).params()).isEmpty();
  }

  @Test
  void anEmptyHeaderHasNoChallenge() {
    assertThat(AuthChallenge.parse("  ")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer realm=\"open", "Bearer realm=\"x\\", "Bearer =x", "\"Bearer\"",
      "Bearer realm=\"x\" service=\"y\""})
  void malformedHeadersAreRefusedWithThePlace(String header) {
    assertThatThrownBy(() -> AuthChallenge.parse(header))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed WWW-Authenticate header at character ");
  }

  @Test
  void aHugeHeaderIsRefusedBeforeParsing() {
    assertThatThrownBy(() -> AuthChallenge.parse("Bearer realm=\"" + "x".repeat(20_000) + "\""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than");
  }
}
