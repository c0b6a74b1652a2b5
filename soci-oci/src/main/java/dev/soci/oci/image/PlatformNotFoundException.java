package dev.soci.oci.image;

import dev.soci.oci.OciException;
import dev.soci.oci.Platform;
import java.util.List;

/** An image index lists no manifest for the platform asked for. */
public final class PlatformNotFoundException extends OciException {
  private static final long serialVersionUID = 1L;

  private final transient List<Platform> available;

  PlatformNotFoundException(String message, List<Platform> available) {
    super(message);
    this.available = List.copyOf(available);
  }

  /**
   * The platforms the index does list (manifests without one are left out).
   *
   * @return those platforms, unmodifiable, in the index's order; empty after deserialisation
   *     (the list is transient)
   */
  public List<Platform> available() {
    return available;
  }
}
