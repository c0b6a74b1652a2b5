package dev.soci.oci.fs;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;

/**
 * An owner or group as a layer's tar header records it: named by the header's user or group
 * name, or by the numeric id when the header has no name (as {@code ls -l} shows an id without
 * a passwd entry). The image's names are not looked up on this host.
 */
class ImagePrincipal implements UserPrincipal {
  private final String name;

  /** The principal named {@code name}, or {@code id} when the name is empty. */
  ImagePrincipal(long id, String name) {
    this.name = name.isEmpty() ? Long.toString(id) : name;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    // By name, as shown: a principal looked up by name equals the owner the header names.
    return o != null && o.getClass() == getClass() && ((ImagePrincipal) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }

  /** A group: a principal that is also a {@link GroupPrincipal}. */
  static final class Group extends ImagePrincipal implements GroupPrincipal {
    Group(long id, String name) {
      super(id, name);
    }
  }
}
