package dev.soci.oci;

import dev.soci.core.internal.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * A validated OCI content digest, {@code <algorithm>:<hex>}.
 *
 * <p>Only the two registered algorithms are accepted: {@code sha256} with 64 and {@code sha512}
 * with 128 lowercase hex digits. Validation is strict on purpose: blob paths in an image layout
 * ({@code blobs/<algorithm>/<hex>}) are derived from digests, so an accepted digest can never
 * contain a path separator, a dot segment or an upper-case twin of another digest.
 */
public final class Digest implements Comparable<Digest> {
  /** Digest algorithm names as they appear before the colon. */
  public static final String SHA256 = "sha256";

  /** The sha512 algorithm name. */
  public static final String SHA512 = "sha512";

  private final String algorithm;
  private final String hex;

  private Digest(String algorithm, String hex) {
    this.algorithm = algorithm;
    this.hex = hex;
  }

  /**
   * Parses and validates a digest string.
   *
   * @param value the digest string, e.g. {@code sha256:} followed by 64 hex digits; may be null,
   *     which is refused
   * @return the parsed digest
   * @throws InvalidDigestException if it is not {@code sha256:<64 lowercase hex>} or
   *     {@code sha512:<128 lowercase hex>}
   */
  public static Digest parse(String value) throws InvalidDigestException {
    if (value == null) {
      throw new InvalidDigestException("digest is missing");
    }
    int colon = value.indexOf(':');
    if (colon < 0) {
      throw new InvalidDigestException("invalid digest " + quote(value) + ": no algorithm");
    }
    String alg = value.substring(0, colon);
    String hex = value.substring(colon + 1);
    int expected;
    if (alg.equals(SHA256)) {
      expected = 64;
    } else if (alg.equals(SHA512)) {
      expected = 128;
    } else {
      throw new InvalidDigestException(
          "invalid digest " + quote(value) + ": unsupported algorithm " + quote(alg));
    }
    if (hex.length() != expected) {
      throw new InvalidDigestException(
          "invalid digest " + quote(value) + ": " + alg + " needs " + expected + " hex digits");
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new InvalidDigestException(
            "invalid digest " + quote(value) + ": not lowercase hex at position " + i);
      }
    }
    return new Digest(alg, hex);
  }

  /**
   * Computes the sha256 digest of {@code bytes}.
   *
   * @param bytes the content
   * @return the content's {@code sha256} digest
   */
  public static Digest of(byte[] bytes) {
    MessageDigest md = newSha256();
    md.update(bytes);
    return fromRaw(SHA256, md.digest());
  }

  /**
   * Computes the sha256 digest of everything {@code in} yields (the stream is not closed).
   *
   * @param in the content, read to its end
   * @return the content's {@code sha256} digest
   * @throws IOException if reading {@code in} fails
   */
  public static Digest of(InputStream in) throws IOException {
    MessageDigest md = newSha256();
    byte[] buf = new byte[64 * 1024];
    int n;
    while ((n = in.read(buf)) > 0) {
      md.update(buf, 0, n);
    }
    return fromRaw(SHA256, md.digest());
  }

  /**
   * The algorithm name, {@code sha256} or {@code sha512}.
   *
   * @return {@link #SHA256} or {@link #SHA512}
   */
  public String algorithm() {
    return algorithm;
  }

  /**
   * The lowercase hex part.
   *
   * @return the digest's lowercase hex digits, without the algorithm and colon
   */
  public String hex() {
    return hex;
  }

  /**
   * A fresh {@link MessageDigest} for this digest's algorithm.
   *
   * @return a new {@code SHA-256} or {@code SHA-512} message digest, unused
   */
  public MessageDigest newMessageDigest() {
    try {
      return MessageDigest.getInstance(algorithm.equals(SHA256) ? "SHA-256" : "SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK must provide " + algorithm, e);
    }
  }

  /**
   * Whether {@code raw} (the output of {@link #newMessageDigest()}) is this digest.
   *
   * @param raw the bytes a message digest of this algorithm produced
   * @return {@code true} when they are this digest
   */
  public boolean matches(byte[] raw) {
    return fromRaw(algorithm, raw).equals(this);
  }

  static Digest fromRaw(String alg, byte[] raw) {
    return new Digest(alg, Sha256.hex(raw));
  }

  private static MessageDigest newSha256() {
    return Sha256.newDigest();
  }

  private static String quote(String s) {
    String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return "\"" + shown + "\"";
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && d.algorithm.equals(algorithm) && d.hex.equals(hex);
  }

  @Override
  public int hashCode() {
    return Objects.hash(algorithm, hex);
  }

  /** The canonical form {@code algorithm:hex}. */
  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
