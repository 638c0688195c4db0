// streams::DeliveryPolicy: when an unacknowledged or NACKed entry becomes due again under each
// kind of policy, and when it is dead-lettered.
#include <catch2/catch.hpp>

#include "streams/consumer_group.h"
#include "streams/delivery_policy.h"

using streams::DeliveryPolicy;

TEST_CASE("An empty policy never makes entries due and never dead-letters", "[policy]") {
  DeliveryPolicy p;
  CHECK(p.empty());
  CHECK_FALSE(p.WaitAfterDelivery(1).has_value());
  CHECK(p.WaitAfterNack(3) == 0);
  CHECK_FALSE(p.ExhaustedAfter(1000000));
  CHECK(p.DeadLetterKeyFor("jobs") == "jobs:dlq");
}

TEST_CASE("The ack timeout is the wait after every delivery when there is no backoff",
          "[policy]") {
  DeliveryPolicy p;
  p.ack_timeout_ms = 30000;
  CHECK_FALSE(p.empty());
  CHECK(p.WaitAfterDelivery(1) == 30000);
  CHECK(p.WaitAfterDelivery(7) == 30000);
  // NACKed entries without a backoff are due at once.
  CHECK(p.WaitAfterNack(2) == 0);
}

TEST_CASE("A backoff list gives one step per delivery and repeats its last step", "[policy]") {
  DeliveryPolicy p;
  p.ack_timeout_ms = 30000;
  p.backoff_ms = {1000, 5000, 60000};
  CHECK(p.WaitAfterDelivery(1) == 1000);
  CHECK(p.WaitAfterDelivery(2) == 5000);
  CHECK(p.WaitAfterDelivery(3) == 60000);
  CHECK(p.WaitAfterDelivery(10) == 60000);
  CHECK(p.WaitAfterNack(2) == 5000);
}

TEST_CASE("An exponential backoff doubles from its base and stops at its maximum", "[policy]") {
  DeliveryPolicy p;
  p.backoff_exp_base_ms = 100;
  p.backoff_exp_max_ms = 1000;
  CHECK(p.WaitAfterDelivery(1) == 100);
  CHECK(p.WaitAfterDelivery(2) == 200);
  CHECK(p.WaitAfterDelivery(4) == 800);
  CHECK(p.WaitAfterDelivery(5) == 1000);
  CHECK(p.WaitAfterDelivery(UINT64_MAX) == 1000);  // no overflow on huge counts
}

TEST_CASE("MAX-DELIVERIES dead-letters exactly when one more delivery would exceed it",
          "[policy]") {
  DeliveryPolicy p;
  p.max_deliveries = 3;
  CHECK_FALSE(p.ExhaustedAfter(2));
  CHECK(p.ExhaustedAfter(3));
  p.dead_letter_key = "poison";
  CHECK(p.DeadLetterKeyFor("jobs") == "poison");
}

TEST_CASE("A group's policy is kept by clones", "[policy]") {
  streams::ConsumerGroup g({0, 0}, 0);
  DeliveryPolicy p;
  p.max_deliveries = 5;
  p.backoff_ms = {10, 20};
  g.set_policy(p);
  CHECK(g.Clone()->policy() == p);
}
