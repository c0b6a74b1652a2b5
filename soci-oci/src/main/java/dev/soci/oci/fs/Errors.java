package dev.soci.oci.fs;

import dev.soci.oci.image.ImagePathException;
import dev.soci.oci.image.PathNotFoundException;
import dev.soci.oci.image.TooManySymlinksException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;

/**
 * Maps {@link dev.soci.oci.image.SociImage}'s path errors to the {@code java.nio.file}
 * exceptions callers of {@link java.nio.file.Files} expect, keeping the image's explanation
 * (which component is missing, which layer's whiteout removed it) as the reason.
 */
final class Errors {
  private Errors() {}

  /** The {@code java.nio} form of {@code e}, for path {@code p}. */
  static FileSystemException map(ImagePathException e, SociPath p) {
    String file = p.toString();
    String reason = reason(e, p);
    FileSystemException out;
    if (e instanceof PathNotFoundException) {
      out = new NoSuchFileException(file, null, reason);
    } else if (e instanceof TooManySymlinksException) {
      out = new LinkLoopException(file, reason);
    } else {
      // A component that is not a directory (ENOTDIR), or a path too long: the JDK gives
      // these as plain FileSystemExceptions with the reason.
      out = new FileSystemException(file, null, reason);
    }
    out.initCause(e);
    return out;
  }

  /** The image's message without the path it starts with (the exception names the path). */
  private static String reason(ImagePathException e, SociPath p) {
    String msg = e.getMessage();
    for (String prefix : new String[] {p.imagePath() + ": ", e.path() + ": "}) {
      if (msg.startsWith(prefix)) {
        return msg.substring(prefix.length());
      }
    }
    return msg;
  }

  /**
   * Too many symbolic links followed (Linux's {@code ELOOP}): a {@link FileSystemLoopException}
   * that also says why, which the JDK's class has no room for.
   */
  static final class LinkLoopException extends FileSystemLoopException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    LinkLoopException(String file, String reason) {
      super(file);
      this.reason = reason;
    }

    @Override
    public String getReason() {
      return reason;
    }

    @Override
    public String getMessage() {
      return getFile() + ": " + reason;
    }
  }
}
