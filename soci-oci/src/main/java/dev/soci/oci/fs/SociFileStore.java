package dev.soci.oci.fs;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;

/**
 * The one store of a {@link SociFileSystem}: read-only, of type {@code soci}, named by the
 * image's manifest digest. Its total space is the sum of the image's regular file sizes (each
 * hard-linked file once), computed from the tree on first use; nothing is usable or
 * unallocated.
 */
final class SociFileStore extends FileStore {
  private final SociFileSystem fs;

  SociFileStore(SociFileSystem fs) {
    this.fs = fs;
  }

  @Override
  public String name() {
    return fs.image().manifest().digest().toString();
  }

  @Override
  public String type() {
    return "soci";
  }

  @Override
  public boolean isReadOnly() {
    return true;
  }

  @Override
  public long getTotalSpace() throws IOException {
    return fs.totalFileBytes();
  }

  @Override
  public long getUsableSpace() {
    return 0;
  }

  @Override
  public long getUnallocatedSpace() {
    return 0;
  }

  @Override
  public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
    return type == BasicFileAttributeView.class || type == PosixFileAttributeView.class
        || type == FileOwnerAttributeView.class;
  }

  @Override
  public boolean supportsFileAttributeView(String name) {
    return SociFileSystem.VIEWS.contains(name);
  }

  @Override
  public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
    return null;
  }

  @Override
  public Object getAttribute(String attribute) throws IOException {
    return switch (attribute) {
      case "totalSpace" -> getTotalSpace();
      case "usableSpace" -> getUsableSpace();
      case "unallocatedSpace" -> getUnallocatedSpace();
      default -> throw new UnsupportedOperationException("'" + attribute
          + "' is not an attribute of a soci file store");
    };
  }

  @Override
  public String toString() {
    return name() + " (soci)";
  }
}
