package dev.soci.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link Authorizer} merges the scopes a request needs with those a challenge names. */
class AuthorizerTest {
  @Test
  void actionsOnOneResourceAreMergedInFirstSeenOrder() {
    assertThat(Authorizer.merge(List.of("repository:a:pull,push", "repository:a:push,pull",
        "repository:b:pull", "", "repository:a:delete")))
        .containsExactly("repository:a:pull,push,delete", "repository:b:pull");
  }

  @Test
  void scopesOfOtherFormsAreKeptAsTheyAre() {
    assertThat(Authorizer.merge(List.of("registry:catalog:*", "odd", "repository:x/y:pull",
        "odd", "repository:x/y:")))
        .containsExactly("registry:catalog:*", "odd", "repository:x/y:pull");
  }
}
