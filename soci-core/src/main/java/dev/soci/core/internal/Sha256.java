package dev.soci.core.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 in the form every SOCI structure writes it: the OCI digest string
 * {@code sha256:<64 lowercase hex>}. One place for what layer digests, diff IDs, span digests and
 * zTOC digests all need.
 */
public final class Sha256 {
  /** The algorithm prefix of a digest string. */
  public static final String PREFIX = "sha256:";

  private static final HexFormat HEX = HexFormat.of();

  private Sha256() {}

  /**
   * A new SHA-256 digest from the default provider (the one the JVM intrinsifies with the CPU's
   * SHA instructions where present).
   */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** {@code sha256:<hex>} of a finished 32-byte digest. */
  public static String format(byte[] digest) {
    return PREFIX + hex(digest);
  }

  /**
   * Lowercase hex of a finished digest, without prefix: the one hex formatting of digests in
   * the project (soci-oci's {@code Digest} uses it for SHA-512 too).
   */
  public static String hex(byte[] digest) {
    return HEX.formatHex(digest);
  }

  /** Completes {@code md} and returns its {@code sha256:<hex>} string. */
  public static String finish(MessageDigest md) {
    return format(md.digest());
  }

  /** {@code sha256:<hex>} of {@code bytes[off..off+len)}. */
  public static String of(byte[] bytes, int off, int len) {
    MessageDigest md = newDigest();
    md.update(bytes, off, len);
    return finish(md);
  }

  /** Whether {@code digest} is {@code sha256:} followed by 64 lowercase hex digits. */
  public static boolean isValid(String digest) {
    if (digest == null || digest.length() != PREFIX.length() + 64 || !digest.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < digest.length(); i++) {
      char c = digest.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code digest} is the string form of {@code raw}: {@code sha256:} followed by its hex.
   * A malformed string never matches (and never throws).
   */
  public static boolean matches(String digest, byte[] raw) {
    if (digest.length() != PREFIX.length() + 64 || !digest.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < digest.length(); i++) {
      if (Character.digit(digest.charAt(i), 16) < 0) {
        return false;
      }
    }
    return MessageDigest.isEqual(HEX.parseHex(digest, PREFIX.length(), digest.length()), raw);
  }
}
