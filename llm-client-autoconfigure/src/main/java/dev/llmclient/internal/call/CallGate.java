package dev.llmclient.internal.call;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.llmclient.LlmClientClosedException;
import dev.llmclient.LlmClientSettings;

/**
 * Admits calls while the client is open, and closes it once: stops admitting, gives the
 * calls in flight a bounded time to finish, then releases the client's resources, which
 * cuts off the calls still running; their failure then says the client was closed during
 * the call.
 * <p>
 * Admission is lock-free: a call increments the count and then reads the state, closing
 * writes the state and then reads the count, so one of the two always sees the other.
 */
public final class CallGate {

	private static final Log logger = LogFactory.getLog(CallGate.class);

	private static final int OPEN = 0;

	private static final int DRAINING = 1;

	private static final int CUT_OFF = 2;

	private final String endpoint;

	private final Duration shutdownTimeout;

	private final String shutdownTimeoutName;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition drained = this.lock.newCondition();

	private final AtomicBoolean closeStarted = new AtomicBoolean();

	private final CountDownLatch closeDone = new CountDownLatch(1);

	/** Opens when closing cuts off the calls still in flight; wakes their retry waits. */
	private final CountDownLatch cutOff = new CountDownLatch(1);

	private volatile int state = OPEN;

	public CallGate(LlmClientSettings settings) {
		this.endpoint = settings.displayEndpoint();
		this.shutdownTimeout = settings.lifecycle().shutdownTimeout();
		this.shutdownTimeoutName = settings.property("shutdown-timeout");
	}

	/**
	 * Admits a call. Every {@code true} must be followed by exactly one {@link #exit()}.
	 * @return whether the call may go ahead; {@code false} once closing has begun
	 */
	boolean enter() {
		this.inFlight.incrementAndGet();
		if (this.state != OPEN) {
			exit();
			return false;
		}
		return true;
	}

	/** Ends an admitted call. */
	void exit() {
		if (this.inFlight.decrementAndGet() == 0 && this.state != OPEN) {
			this.lock.lock();
			try {
				this.drained.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	boolean isOpen() {
		return this.state == OPEN;
	}

	/**
	 * Says why an admitted call failed when closing cut it off; other failures pass
	 * unchanged.
	 * @param failure how the call failed
	 * @return the failure to throw
	 */
	RuntimeException explain(RuntimeException failure) {
		return isCutOff() ? cutOff(failure) : failure;
	}

	/** Whether closing has cut off the calls still in flight. */
	boolean isCutOff() {
		return this.state == CUT_OFF;
	}

	/**
	 * Waits up to {@code wait}, or less when closing cuts off the calls in flight
	 * meanwhile.
	 * @param wait the longest wait
	 * @return whether the calls have been cut off
	 * @throws InterruptedException when the waiting thread is interrupted
	 */
	boolean awaitCutOff(Duration wait) throws InterruptedException {
		return this.cutOff.await(wait.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * The failure of a call that closing cut off.
	 * @param cause how the call failed when its connection was closed
	 * @return an exception saying the client was closed during the call
	 */
	LlmClientClosedException cutOff(Throwable cause) {
		return new LlmClientClosedException(
				"Call to " + this.endpoint + " was cancelled: the LLM client was closed while the "
						+ "call was in flight, and the call did not finish within " + this.shutdownTimeoutName + "="
						+ this.shutdownTimeout + ".",
				cause);
	}

	/**
	 * Closes once: stops admitting calls, runs {@code stopIntake}, waits up to the
	 * shutdown timeout for the calls in flight, then runs {@code release}. Thread-safe; a
	 * concurrent or later caller returns when the first close has finished.
	 * @param stopIntake stops whatever feeds calls in (such as an executor); runs at once
	 * @param release closes the connection pool, cutting off calls still running
	 */
	void close(Runnable stopIntake, Runnable release) {
		if (!this.closeStarted.compareAndSet(false, true)) {
			awaitClosed();
			return;
		}
		try {
			this.state = DRAINING;
			stopIntake.run();
			int running = this.inFlight.get();
			if (running > 0 && logger.isInfoEnabled()) {
				logger.info("Closing LLM client for " + this.endpoint + ": waiting up to " + this.shutdownTimeoutName
						+ "=" + this.shutdownTimeout + " for " + calls(running) + " in flight");
			}
			int left = drain();
			if (left > 0) {
				logger.warn("Cancelling " + calls(left) + " to " + this.endpoint + " still in flight after "
						+ this.shutdownTimeoutName + "=" + this.shutdownTimeout
						+ "; raise it to let long generations finish on shutdown");
			}
			release.run();
			if (logger.isDebugEnabled()) {
				logger.debug("Closed LLM client for " + this.endpoint);
			}
		}
		finally {
			this.closeDone.countDown();
		}
	}

	private int drain() {
		long remaining = this.shutdownTimeout.toNanos();
		boolean interrupted = false;
		this.lock.lock();
		try {
			while (this.inFlight.get() > 0 && remaining > 0) {
				try {
					remaining = this.drained.awaitNanos(remaining);
				}
				catch (InterruptedException ex) {
					interrupted = true;
					break;
				}
			}
			int left = this.inFlight.get();
			if (left > 0) {
				this.state = CUT_OFF;
				this.cutOff.countDown();
			}
			return left;
		}
		finally {
			this.lock.unlock();
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void awaitClosed() {
		boolean interrupted = false;
		while (true) {
			try {
				this.closeDone.await();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private static String calls(int count) {
		return count + ((count == 1) ? " call" : " calls");
	}

}
