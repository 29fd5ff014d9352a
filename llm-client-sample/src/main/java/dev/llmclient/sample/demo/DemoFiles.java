package dev.llmclient.sample.demo;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import dev.llmclient.sample.demo.DemoBatchWireFormat.FileObject;

/**
 * The demo's files ({@code /v1/files}): uploaded batch inputs and the output and error
 * files of batches, kept on disk in a temporary directory (deleted on {@link #close()})
 * so that no file is ever held in memory.
 */
final class DemoFiles implements AutoCloseable {

	/** The largest file OpenAI accepts. */
	static final long MAX_BYTES = 512L * 1024 * 1024;

	private final Path directory;

	private final Map<String, FileObject> files = new ConcurrentHashMap<>();

	DemoFiles() throws IOException {
		this.directory = Files.createTempDirectory("llm-demo-files");
	}

	/**
	 * Starts a file, uploaded or written by the demo itself such as a batch's output
	 * file; it exists once {@link NewFile#store(String) stored}.
	 * @param filename its name
	 * @return the file to write
	 */
	NewFile create(String filename) throws IOException {
		String id = "file-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
		return new NewFile(id, filename, this.directory.resolve(id));
	}

	/**
	 * Returns a file by id.
	 * @param id the file's id
	 * @return the file, or {@code null} when there is none (never was, or deleted)
	 */
	FileObject get(String id) {
		return (id != null) ? this.files.get(id) : null;
	}

	/**
	 * Opens a file's content.
	 * @param id the id of a file that exists
	 * @return its bytes, to close after reading
	 */
	InputStream open(String id) throws IOException {
		return Files.newInputStream(this.directory.resolve(id));
	}

	/**
	 * Deletes a file.
	 * @param id the file's id
	 * @return whether there was such a file
	 */
	boolean delete(String id) throws IOException {
		if (id == null || this.files.remove(id) == null) {
			return false;
		}
		Files.deleteIfExists(this.directory.resolve(id));
		return true;
	}

	@Override
	public void close() {
		this.files.clear();
		try (Stream<Path> paths = Files.list(this.directory)) {
			for (Path path : paths.toList()) {
				Files.deleteIfExists(path);
			}
			Files.deleteIfExists(this.directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete the demo's files in " + this.directory, ex);
		}
	}

	/** A file being written: it exists for the API once stored. */
	final class NewFile {

		private final String id;

		private final String filename;

		private final Path path;

		private final CountingStream content;

		private NewFile(String id, String filename, Path path) throws IOException {
			this.id = id;
			this.filename = filename;
			this.path = path;
			this.content = new CountingStream(new BufferedOutputStream(Files.newOutputStream(path)));
		}

		/** The stream to write the file's bytes to; close it before storing. */
		OutputStream content() {
			return this.content;
		}

		/** Whether nothing was written. */
		boolean isEmpty() {
			return this.content.count == 0;
		}

		/**
		 * Makes the written file available; its content must be closed.
		 * @param purpose such as {@code batch} for an uploaded batch input or
		 * {@code batch_output} for a batch's output
		 * @return the file
		 */
		FileObject store(String purpose) {
			FileObject file = new FileObject(this.id, "file", this.content.count, Instant.now().getEpochSecond(), null,
					this.filename, purpose, "processed");
			DemoFiles.this.files.put(this.id, file);
			return file;
		}

		/** Drops the file. */
		void discard() throws IOException {
			this.content.close();
			Files.deleteIfExists(this.path);
		}

	}

	/** Counts the bytes written and refuses more than {@link #MAX_BYTES}. */
	private static final class CountingStream extends FilterOutputStream {

		private long count;

		CountingStream(OutputStream out) {
			super(out);
		}

		@Override
		public void write(int b) throws IOException {
			admit(1);
			this.out.write(b);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			admit(length);
			this.out.write(bytes, offset, length);
		}

		private void admit(int length) {
			if (this.count + length > MAX_BYTES) {
				throw new IllegalArgumentException(
						"The file is larger than " + MAX_BYTES / (1024 * 1024) + " MB, the most a file may have");
			}
			this.count += length;
		}

	}

}
