# Job classes for the interoperability tests, loaded by real Sidekiq 6.4.1 (`sidekiq -r`) and by the
# Ruby snippets the tests run. Each job records what it did in Redis so the C++ test can check it.
require "sidekiq"
Redis.silence_deprecations = true if Redis.respond_to?(:silence_deprecations=)

# Fails until the test sets allow:<token>; then records done:<token> = jid.
class HardJob
  include Sidekiq::Worker
  sidekiq_options retry: 5, backtrace: 5
  # Keep failed jobs parked in the retry set: the test, not Sidekiq's poller, decides when they run.
  sidekiq_retry_in { |_count, _exception| 3600 }

  def perform(token, *_rest)
    Sidekiq.redis do |r|
      raise ArgumentError, "not allowed yet: #{token}" unless r.get("allow:#{token}")
      r.set("done:#{token}", jid)
      r.incr("runs:#{token}")
    end
  end
end

# Always succeeds and records its run.
class EchoJob
  include Sidekiq::Worker

  def perform(token, *_rest)
    Sidekiq.redis do |r|
      r.set("done:#{token}", jid)
      r.incr("runs:#{token}")
    end
  end
end

# Sleeps, so a test can catch it in the busy list across a heartbeat.
class SlowJob
  include Sidekiq::Worker

  def perform(seconds)
    sleep(seconds.to_f)
  end
end

# Does nothing: for throughput benchmarks (bench/worker_throughput.cpp).
class NoopJob
  include Sidekiq::Worker

  def perform(*_args); end
end
