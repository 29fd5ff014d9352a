package dev.llmclient.internal.call;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for calls that do not block their caller. On Java 21 and later each call gets a
 * virtual thread; on Java 17 a pool of as many platform threads as the bulkhead lets run
 * at once, which is all that could make progress anyway.
 */
public final class CallExecutors {

	private CallExecutors() {
	}

	public static ExecutorService create(String name, int maxConcurrent) {
		ExecutorService virtual = virtualThreadPerTask();
		if (virtual != null) {
			return virtual;
		}
		ThreadPoolExecutor pool = new ThreadPoolExecutor(maxConcurrent, maxConcurrent, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), daemonThreads(name));
		pool.allowCoreThreadTimeOut(true);
		return pool;
	}

	/**
	 * Whether calls given to {@code executor} can wait in its queue for a thread (Java
	 * 17's pool), where the bulkhead does not see them.
	 */
	static boolean queuesCalls(ExecutorService executor) {
		return executor instanceof ThreadPoolExecutor;
	}

	/**
	 * Takes a task out of the queue of a pool made by {@link #create}.
	 * @return whether it was still in the queue: no thread has taken it, nor will
	 */
	static boolean removeQueued(ExecutorService executor, Runnable task) {
		return executor instanceof ThreadPoolExecutor pool && pool.remove(task);
	}

	private static ExecutorService virtualThreadPerTask() {
		try {
			Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
			return (ExecutorService) factory.invoke(null);
		}
		catch (ReflectiveOperationException ex) {
			return null;
		}
	}

	private static ThreadFactory daemonThreads(String name) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
