package dev.llmclient.traffic;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * A {@link RateBudget} over fixed windows aligned to the epoch, in this JVM: whole UTC
 * days for a period of one day, whole hours for one hour. A window starts empty; what is
 * taken, charged or refunded counts in the window the clock is in.
 */
final class WindowRateBudget implements RateBudget {

	private final long limit;

	private final long periodMillis;

	private final LongSupplier clock;

	private final AtomicReference<Window> window = new AtomicReference<>(new Window(-1, 0));

	WindowRateBudget(long limit, Duration period, LongSupplier clock) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
		}
		if (period == null || period.toMillis() < 1) {
			throw new IllegalArgumentException("period must be at least a millisecond, but was " + period);
		}
		this.limit = limit;
		this.periodMillis = period.toMillis();
		this.clock = clock;
	}

	@Override
	public boolean tryTake(long amount, Duration wait) {
		while (true) {
			Window current = current();
			if (current.spent + amount > this.limit) {
				return false;
			}
			if (this.window.compareAndSet(current, new Window(current.index, current.spent + amount))) {
				return true;
			}
		}
	}

	@Override
	public void charge(long amount) {
		add(amount);
	}

	@Override
	public void refund(long amount) {
		add(-amount);
	}

	private void add(long amount) {
		while (true) {
			Window current = current();
			if (this.window.compareAndSet(current, new Window(current.index, Math.max(0, current.spent + amount)))) {
				return;
			}
		}
	}

	/** The window the clock is in, a new empty one once the last has ended. */
	private Window current() {
		long index = this.clock.getAsLong() / this.periodMillis;
		Window current = this.window.get();
		while (current.index != index) {
			Window fresh = new Window(index, 0);
			if (this.window.compareAndSet(current, fresh)) {
				return fresh;
			}
			current = this.window.get();
		}
		return current;
	}

	@Override
	public long available() {
		return this.limit - current().spent;
	}

	@Override
	public long limit() {
		return this.limit;
	}

	@Override
	public String toString() {
		return "WindowRateBudget[" + this.limit + " per " + Duration.ofMillis(this.periodMillis) + ", " + available()
				+ " available]";
	}

	private record Window(long index, long spent) {
	}

}
