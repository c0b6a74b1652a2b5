package dev.soci.oci.registry;

import dev.soci.oci.Digest;
import dev.soci.oci.InvalidDigestException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image reference as Docker and containerd read one: {@code [REGISTRY/]REPOSITORY[:TAG][@DIGEST]}.
 *
 * <p>Parsing normalises as {@code docker pull} does: a first path component is a registry only
 * when it contains a {@code .}, a {@code :} or an upper-case letter, or is {@code localhost} (so {@code
 * registry:5000/app} names a registry, {@code team/app} does not); without one the registry is
 * {@code docker.io} ({@code index.docker.io} is an alias of it), where a one-component
 * repository gets the {@code library/} prefix. Repository components are lowercase letters and
 * digits joined by {@code .}, {@code _}, {@code __} or runs of {@code -}; the name as written
 * (registry included) is at most 255 characters; a tag is at most 128 word characters, dots and dashes, not starting
 * with either; a digest is validated as {@link Digest#parse} does. A reference with neither tag
 * nor digest gets the tag {@code latest}; one with both keeps both (the digest then decides what
 * is fetched, as containerd does).
 *
 * @param registry the registry host, with its port when given ({@code docker.io}, {@code
 *     127.0.0.1:5000}, {@code [::1]:5000})
 * @param repository the repository path within the registry ({@code library/alpine})
 * @param tag the tag, or null when only a digest was given
 * @param digest the digest, or null when only a tag was given
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {

  /** The registry of references that name none. */
  public static final String DOCKER_HUB = "docker.io";

  /** The host that serves Docker Hub's distribution API ({@code docker.io} itself does not). */
  public static final String DOCKER_HUB_API_HOST = "registry-1.docker.io";

  /** The tag of references that give neither tag nor digest. */
  public static final String DEFAULT_TAG = "latest";

  private static final int MAX_NAME_LENGTH = 255;
  private static final Pattern DOMAIN = Pattern.compile(
      "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
          + "|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?");
  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

  /**
   * Validates the parts; {@link #parse} is the usual way to make one.
   *
   * @param registry the registry host, with its port when given; not normalised here
   * @param repository the repository path within the registry, lower-case components
   * @param tag the tag, or null when {@code digest} is given
   * @param digest the digest, or null when {@code tag} is given
   * @throws IllegalArgumentException if a part is malformed or neither tag nor digest is given
   */
  public ImageReference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    if (!DOMAIN.matcher(registry).matches()) {
      throw new IllegalArgumentException("invalid registry \"" + registry + "\"");
    }
    checkRepository(repository);
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("invalid tag \"" + tag + "\"");
    }
    if (tag == null && digest == null) {
      throw new IllegalArgumentException("a reference needs a tag or a digest");
    }
  }

  /**
   * Parses and normalises a reference ({@code alpine}, {@code team/app:1.2},
   * {@code 127.0.0.1:5000/app@sha256:…}, {@code localhost/app:dev}).
   *
   * @param reference the reference as a user writes it
   * @return the normalised reference: registry and repository filled in, {@code latest} when
   *     neither tag nor digest is given
   * @throws InvalidReferenceException if it is not a valid reference, with what is wrong
   */
  public static ImageReference parse(String reference) throws InvalidReferenceException {
    Objects.requireNonNull(reference, "reference");
    if (reference.isEmpty()) {
      throw new InvalidReferenceException(reference, "it is empty");
    }
    String rest = reference;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Digest.parse(rest.substring(at + 1));
      } catch (InvalidDigestException e) {
        throw new InvalidReferenceException(reference, e.getMessage());
      }
      rest = rest.substring(0, at);
    }
    String tag = null;
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > slash) { // a colon before the last slash is a registry's port
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new InvalidReferenceException(reference, "invalid tag \"" + tag + "\"");
      }
    }
    if (rest.length() > MAX_NAME_LENGTH) {
      // Docker counts the name as written, registry included.
      throw new InvalidReferenceException(reference, "the repository name is longer than "
          + MAX_NAME_LENGTH + " characters");
    }
    String registry = DOCKER_HUB;
    String repository = rest;
    int first = rest.indexOf('/');
    if (first >= 0) {
      String head = rest.substring(0, first);
      // As distribution/reference decides: a dot, a colon, localhost, or an upper-case letter
      // (repository components are lower-case) make the first component a registry.
      if (head.contains(".") || head.contains(":") || head.equals("localhost")
          || !head.equals(head.toLowerCase(java.util.Locale.ROOT))) {
        if (!DOMAIN.matcher(head).matches()) {
          throw new InvalidReferenceException(reference, "invalid registry \"" + head + "\"");
        }
        registry = head.equals("index.docker.io") ? DOCKER_HUB : head;
        repository = rest.substring(first + 1);
      }
    }
    if (registry.equals(DOCKER_HUB) && repository.indexOf('/') < 0) {
      repository = "library/" + repository;
    }
    try {
      checkRepository(repository);
    } catch (IllegalArgumentException e) {
      throw new InvalidReferenceException(reference, e.getMessage());
    }
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }
    return new ImageReference(registry, repository, tag, digest);
  }

  private static void checkRepository(String repository) {
    if (repository.isEmpty()) {
      throw new IllegalArgumentException("the repository name is empty");
    }
    if (repository.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("the repository name is longer than " + MAX_NAME_LENGTH
          + " characters");
    }
    for (String component : repository.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        throw new IllegalArgumentException(component.chars().anyMatch(Character::isUpperCase)
            ? "repository name must be lowercase: \"" + repository + "\""
            : "invalid repository name \"" + repository + "\"");
      }
    }
  }

  /**
   * The same repository at {@code digest} (the tag kept, as a record of where it came from).
   *
   * @param digest the manifest's digest; not null
   * @return a reference with this registry, repository and tag, and {@code digest}
   */
  public ImageReference withDigest(Digest digest) {
    return new ImageReference(registry, repository, tag, Objects.requireNonNull(digest, "digest"));
  }

  /**
   * The same repository at {@code tag}, without a digest.
   *
   * @param tag the tag; not null
   * @return a reference with this registry and repository, {@code tag} and no digest
   * @throws IllegalArgumentException if {@code tag} is not a valid tag
   */
  public ImageReference withTag(String tag) {
    return new ImageReference(registry, repository, Objects.requireNonNull(tag, "tag"), null);
  }

  /**
   * What a manifest request names: the digest when there is one, else the tag (the last path
   * segment of {@code /v2/<repository>/manifests/<reference>}).
   *
   * @return the digest as {@code sha256:<hex>} when there is one, else the tag
   */
  public String manifestReference() {
    return digest != null ? digest.toString() : tag;
  }

  /**
   * The host (and port) to send distribution API requests to.
   *
   * @return {@link #DOCKER_HUB_API_HOST} for Docker Hub, else {@link #registry()}
   */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API_HOST : registry;
  }

  /** The normalised form: {@code registry/repository[:tag][@digest]}. */
  @Override
  public String toString() {
    return registry + "/" + repository + (tag != null ? ":" + tag : "")
        + (digest != null ? "@" + digest : "");
  }
}
