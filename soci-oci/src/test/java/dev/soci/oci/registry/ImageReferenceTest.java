package dev.soci.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
  private static final String D =
      "sha256:abababababababababababababababababababababababababababababababab";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // reference                          | registry        | repository          | tag    | digest
      "alpine                               | docker.io       | library/alpine      | latest | -",
      "alpine:3.20                          | docker.io       | library/alpine      | 3.20   | -",
      "team/app                             | docker.io       | team/app            | latest | -",
      "docker.io/alpine                     | docker.io       | library/alpine      | latest | -",
      "index.docker.io/team/app:v1          | docker.io       | team/app            | v1     | -",
      "localhost/app:dev                    | localhost       | app                 | dev    | -",
      "localhost:5000/a/b/c                 | localhost:5000  | a/b/c               | latest | -",
      "127.0.0.1:5000/app:1.0               | 127.0.0.1:5000  | app                 | 1.0    | -",
      "[::1]:5000/app                       | [::1]:5000      | app                 | latest | -",
      "registry.example/a__b/c-d--e.f_g:T_1 | registry.example| a__b/c-d--e.f_g     | T_1    | -",
      "registry:5000                        | docker.io       | library/registry    | 5000   | -",
      "registry:5000/app                    | registry:5000   | app                 | latest | -",
      "MyRegistry/app                       | MyRegistry      | app                 | latest | -",
  })
  void parsesAndNormalisesAsDockerDoes(String ref, String registry, String repository, String tag,
      String digest) throws Exception {
    ImageReference r = ImageReference.parse(ref.strip());
    assertThat(r.registry()).isEqualTo(registry.strip());
    assertThat(r.repository()).isEqualTo(repository.strip());
    assertThat(r.tag()).isEqualTo(tag == null ? null : tag.strip());
    assertThat(r.digest()).isNull();
    assertThat(ImageReference.parse(r.toString())).isEqualTo(r); // the normal form round-trips
  }

  @ParameterizedTest
  @ValueSource(strings = {"app@" + D, "127.0.0.1:5000/app:v2@" + D})
  void digestsAreKeptAndDecideTheManifestReference(String ref) throws Exception {
    ImageReference r = ImageReference.parse(ref);
    assertThat(r.digest()).hasToString(D);
    assertThat(r.manifestReference()).isEqualTo(D);
    assertThat(ImageReference.parse(r.toString())).isEqualTo(r);
  }

  static java.util.List<String> malformed() {
    return java.util.List.of("", "App", "team/App:1", "a//b", "/a", "a/", "-a", "a-", "a..b", "a:",
        "a:-x", "a:" + "t".repeat(129), "a@sha256:12", "a@md5:00", "bad_host.:5000/a", "a b",
        "a/b:c:d");
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("malformed")
  void malformedReferencesFailWithTheReferenceAndTheProblem(String ref) {
    assertThatThrownBy(() -> ImageReference.parse(ref))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageStartingWith("invalid image reference \"" + ref + "\": ");
  }

  @org.junit.jupiter.api.Test
  void upperCaseRepositoriesAreNamedAsSuch() {
    assertThatThrownBy(() -> ImageReference.parse("localhost:5000/MyApp"))
        .hasMessageContaining("must be lowercase");
  }

  @org.junit.jupiter.api.Test
  void aLongRepositoryNameIsRefused() throws Exception {
    assertThatThrownBy(() -> ImageReference.parse("r.example/" + "a".repeat(256)))
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("255");
    // The registry counts too: 10 + 246 characters.
    assertThatThrownBy(() -> ImageReference.parse("r.example/" + "a".repeat(246)))
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("255");
    assertThat(ImageReference.parse("r.example/" + "a".repeat(245)).repository()).hasSize(245);
  }

  @org.junit.jupiter.api.Test
  void dockerHubIsServedByItsApiHost() throws Exception {
    assertThat(ImageReference.parse("alpine").apiHost()).isEqualTo("registry-1.docker.io");
    assertThat(ImageReference.parse("127.0.0.1:5000/app").apiHost()).isEqualTo("127.0.0.1:5000");
  }
}
