package dev.llmclient.batch;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.llmclient.internal.operation.BatchApi;

/**
 * Writes a job's input as JSONL temporary files, one per provider batch, by streaming:
 * one line per request ({@code custom_id} its index in the job, {@code method},
 * {@code url}, {@code body} encoded as a live call's). A file ends where the next line
 * would pass {@code batch-jobs.max-requests-per-batch} (texts, for embeddings) or
 * {@code batch-jobs.max-bytes-per-batch}.
 */
final class JobInput {

	private JobInput() {
	}

	/**
	 * The input file of one provider batch: requests {@code from} to
	 * {@code from + count}.
	 */
	record Part(Path file, int from, int count, long bytes) {

	}

	/**
	 * Writes the files; deletes what it wrote when it fails.
	 * @throws IllegalArgumentException naming a request that cannot be sent alone in a
	 * batch
	 */
	static <Q> List<Part> write(JobKind<Q, ?> kind, List<Q> requests, BatchApi api, int endpoint, int maxWeight,
			long maxBytes) {
		List<Part> parts = new ArrayList<>();
		byte[] head = ("\",\"method\":\"POST\",\"url\":\"" + kind.url() + "\",\"body\":")
			.getBytes(StandardCharsets.UTF_8);
		Path file = null;
		OutputStream out = null;
		try {
			int from = 0;
			int weight = 0;
			long bytes = 0;
			for (int i = 0; i < requests.size(); i++) {
				Q request = requests.get(i);
				byte[] body;
				try {
					body = kind.body(api, request, endpoint);
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException("requests[" + i + "]: " + ex.getMessage() + "; nothing was sent",
							ex);
				}
				byte[] id = ("{\"custom_id\":\"" + i).getBytes(StandardCharsets.UTF_8);
				long length = id.length + head.length + body.length + 2;
				int requestWeight = kind.weight(request);
				if (length > maxBytes || requestWeight > maxWeight) {
					throw new IllegalArgumentException(
							"requests[" + i + "] does not fit in one provider batch (" + length + " bytes and "
									+ requestWeight + " input(s), a batch takes at most " + maxBytes + " bytes and "
									+ maxWeight + "): " + api.settings().property("batch-jobs.max-bytes-per-batch")
									+ " and " + api.settings().property("batch-jobs.max-requests-per-batch")
									+ " set the limits; nothing was sent");
				}
				if (out != null && (weight + requestWeight > maxWeight || bytes + length > maxBytes)) {
					out.close();
					out = null;
					parts.add(new Part(file, from, i - from, bytes));
					file = null;
				}
				if (out == null) {
					file = Files.createTempFile("llm-client-batch-", ".jsonl");
					out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
					from = i;
					weight = 0;
					bytes = 0;
				}
				out.write(id);
				out.write(head);
				out.write(body);
				out.write('}');
				out.write('\n');
				weight += requestWeight;
				bytes += length;
			}
			if (out != null) {
				out.close();
				out = null;
				parts.add(new Part(file, from, requests.size() - from, bytes));
				file = null;
			}
			return parts;
		}
		catch (IOException ex) {
			delete(parts);
			throw new UncheckedIOException("Cannot write the input file of a batch job", ex);
		}
		catch (RuntimeException ex) {
			delete(parts);
			throw ex;
		}
		finally {
			if (out != null) {
				try {
					out.close();
				}
				catch (IOException ex) {
					// the file is deleted below
				}
			}
			if (file != null) {
				file.toFile().delete();
			}
		}
	}

	static void delete(List<Part> parts) {
		for (Part part : parts) {
			part.file().toFile().delete();
		}
	}

}
