package dev.soci.oci.fs;

import java.io.IOException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * The {@code basic}, {@code owner} and {@code posix} views of one path: reads look the path up
 * when called (a view may be made for a path that does not exist); every setter throws {@link
 * ReadOnlyFileSystemException}.
 */
final class SociAttributeView implements PosixFileAttributeView {
  private final String name;
  private final SociPath path;
  private final boolean follow;

  SociAttributeView(String name, SociPath path, boolean follow) {
    this.name = name;
    this.path = path;
    this.follow = follow;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public PosixFileAttributes readAttributes() throws IOException {
    return new SociFileAttributes(path.getFileSystem().lookup(path, follow));
  }

  @Override
  public UserPrincipal getOwner() throws IOException {
    return readAttributes().owner();
  }

  @Override
  public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void setPermissions(Set<PosixFilePermission> perms) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void setOwner(UserPrincipal owner) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void setGroup(GroupPrincipal group) {
    throw new ReadOnlyFileSystemException();
  }
}
