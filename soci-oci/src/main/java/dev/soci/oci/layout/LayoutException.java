package dev.soci.oci.layout;

import dev.soci.oci.OciException;

/** The image layout itself is unusable: no {@code index.json} or {@code oci-layout}, an unsafe entry (symlink, {@code ..}, absolute name), an output that already exists, an image that cannot be resolved. */
public final class LayoutException extends OciException {
  private static final long serialVersionUID = 1L;

  /** @param message what makes the layout unusable, in one line */
  public LayoutException(String message) {
    super(message);
  }

  /**
   * @param message what makes the layout unusable, in one line
   * @param cause the failure that revealed it
   */
  public LayoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
