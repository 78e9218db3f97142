package dev.chorus.node.persistence;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Saving to {@code dir/dbfilename} as rdbSave does: write {@code temp-<pid>.rdb} in the same directory, fsync it,
 * rename it over the target atomically, fsync the directory. A failed save removes the temp file and leaves the
 * previous dump untouched.
 */
public final class RdbFileTarget implements RdbSnapshot.Target {
    private final Path dir;
    private final Path file;
    private final Path temp;
    private FileOutputStream out;

    public RdbFileTarget(Path dir, String dbfilename) {
        this.dir = dir;
        this.file = dir.resolve(dbfilename);
        this.temp = dir.resolve("temp-" + ProcessHandle.current().pid() + ".rdb");
    }

    public Path file() {
        return file;
    }

    public Path tempFile() {
        return temp;
    }

    @Override
    public OutputStream open() throws IOException {
        try {
            out = new FileOutputStream(temp.toFile());
        } catch (IOException e) {
            throw new IOException("Failed opening the temp RDB file " + temp.getFileName() + " (in server root dir "
                    + dir.toAbsolutePath() + ") for saving: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void commit() throws IOException {
        out.flush();
        out.getChannel().force(true);
        out.close();
        out = null;
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw new IOException("Error moving temp DB file " + temp.getFileName() + " on the final destination "
                    + file.getFileName() + " (in server root dir " + dir.toAbsolutePath() + "): " + e.getMessage(), e);
        }
        fsyncDirectory();
    }

    @Override
    public void abort() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // closing a file we are about to delete
        }
        out = null;
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort, as rdbRemoveTempFile
        }
    }

    /** Makes the rename itself durable. Some filesystems refuse to fsync a directory: that is not an error. */
    private void fsyncDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not supported here
        }
    }
}
