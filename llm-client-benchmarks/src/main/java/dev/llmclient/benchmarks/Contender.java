package dev.llmclient.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * One client under test, bound to one endpoint and pool size. Every contender is
 * configured the same way: a pool of {@code poolSize} connections where the library lets
 * one set it, retries off, connect timeout {@link #CONNECT_TIMEOUT}, read timeout
 * {@link #READ_TIMEOUT}, the same model name and API key, no request logging.
 */
interface Contender extends AutoCloseable {

	java.time.Duration CONNECT_TIMEOUT = java.time.Duration.ofSeconds(5);

	java.time.Duration READ_TIMEOUT = java.time.Duration.ofSeconds(60);

	String MODEL = "bench-model";

	String API_KEY = "bench-key";

	/**
	 * Sends one user prompt and returns the answer's text.
	 * @param prompt the prompt
	 * @return the answer text
	 * @throws Exception when the call fails
	 */
	String call(String prompt) throws Exception;

	/**
	 * Runs every prompt with at most as many in flight as {@code pool} has threads, and
	 * returns how many failed. The default is what a user of a library without a batch
	 * API writes: each call a task on a fixed pool of N threads (started before the clock
	 * starts).
	 * @param prompts the prompts
	 * @param pool a fixed pool of N started threads
	 * @return failures
	 * @throws InterruptedException when interrupted
	 */
	default int batch(List<String> prompts, ExecutorService pool) throws InterruptedException {
		List<Future<String>> futures = new ArrayList<>(prompts.size());
		for (String prompt : prompts) {
			futures.add(pool.submit(() -> call(prompt)));
		}
		int failures = 0;
		for (Future<String> future : futures) {
			try {
				future.get();
			}
			catch (ExecutionException ex) {
				failures++;
			}
		}
		return failures;
	}

	@Override
	void close();

}
