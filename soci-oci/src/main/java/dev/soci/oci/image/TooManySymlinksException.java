package dev.soci.oci.image;

/**
 * Resolving a path followed more than {@link SociImage#MAX_LINK_HOPS} symbolic links: a loop,
 * or a chain too long, as Linux's {@code ELOOP}.
 */
public final class TooManySymlinksException extends ImagePathException {
  private static final long serialVersionUID = 1L;

  TooManySymlinksException(String path, String lastLink) {
    super(path, path + ": more than " + SociImage.MAX_LINK_HOPS
        + " symbolic links followed (a loop?), the last one /" + lastLink);
  }
}
