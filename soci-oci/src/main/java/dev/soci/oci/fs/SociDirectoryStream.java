package dev.soci.oci.fs;

import dev.soci.oci.image.ImageEntry;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The entries of one directory, in name order, each as the directory's path resolved with the
 * name (as {@link java.nio.file.Files#newDirectoryStream} gives them). The listing is taken
 * when the stream opens: an image's tree does not change.
 */
final class SociDirectoryStream implements DirectoryStream<Path> {
  private final SociPath dir;
  private final List<ImageEntry> entries;
  private final Filter<? super Path> filter;
  private volatile boolean closed;
  private boolean iterated;

  SociDirectoryStream(SociPath dir, List<ImageEntry> entries, Filter<? super Path> filter) {
    this.dir = dir;
    this.entries = entries;
    this.filter = filter;
  }

  @Override
  public synchronized Iterator<Path> iterator() {
    if (closed) {
      throw new IllegalStateException("directory stream of " + dir + " is closed");
    }
    if (iterated) {
      throw new IllegalStateException("directory stream of " + dir + " was already iterated");
    }
    iterated = true;
    return new Iterator<>() {
      private int next;
      private Path ahead;

      @Override
      public boolean hasNext() {
        while (ahead == null && !closed && next < entries.size()) {
          Path p = dir.resolve(new SociPath(dir.getFileSystem(), entries.get(next++).name()));
          try {
            if (filter == null || filter.accept(p)) {
              ahead = p;
            }
          } catch (IOException e) {
            throw new DirectoryIteratorException(e);
          }
        }
        return ahead != null;
      }

      @Override
      public Path next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Path p = ahead;
        ahead = null;
        return p;
      }
    };
  }

  @Override
  public void close() {
    closed = true;
  }
}
