// See src/commands/streams/policy.h. The option words are Runnel's own; none of them is an option of any
// Redis XGROUP subcommand, so Redis's syntax is untouched.
#include "src/commands/streams/policy.h"

#include <array>
#include <string>

#include "resp/strict_int.h"
#include "src/ascii.h"
#include "src/errors.h"

namespace server {

namespace {

constexpr std::array<std::string_view, 5> kOptionWords = {"ACK-TIMEOUT", "BACKOFF", "BACKOFF-EXP",
                                                          "MAX-DELIVERIES", "DEAD-LETTER"};

bool IsOptionWord(std::string_view arg) {
  for (std::string_view w : kOptionWords) {
    if (EqualsIgnoreCase(arg, w)) return true;
  }
  return false;
}

}  // namespace

// Left to right, as Redis reads options: the first bad word or value is the one reported. A
// repeated option replaces the earlier one.
Result<streams::DeliveryPolicy> ParsePolicyOptions(std::span<const std::string_view> args,
                                                   std::string_view key) {
  streams::DeliveryPolicy out;
  bool list_given = false;
  bool exp_given = false;
  auto integer = [&](size_t i, int64_t& v) { return resp::ParseStrictInt64(args[i], v); };
  size_t i = 0;
  while (i < args.size()) {
    std::string_view opt = args[i];
    const bool has_value = i + 1 < args.size();
    int64_t v = 0;
    if (EqualsIgnoreCase(opt, "ACK-TIMEOUT") && has_value) {
      if (!integer(i + 1, v)) return Failure(err::kNotInteger);
      if (v < 0) return Failure(err::kPolicyAckTimeoutNegative);
      out.ack_timeout_ms = v;
      i += 2;
    } else if (EqualsIgnoreCase(opt, "BACKOFF") && has_value && !IsOptionWord(args[i + 1])) {
      out.backoff_ms.clear();
      for (i++; i < args.size() && !IsOptionWord(args[i]); i++) {
        if (!integer(i, v)) return Failure(err::kNotInteger);
        if (v <= 0) return Failure(err::kPolicyBackoffNotPositive);
        out.backoff_ms.push_back(v);
      }
      list_given = true;
    } else if (EqualsIgnoreCase(opt, "BACKOFF-EXP") && i + 2 < args.size()) {
      int64_t max = 0;
      if (!integer(i + 1, v) || !integer(i + 2, max)) return Failure(err::kNotInteger);
      if (v <= 0 || max < v) return Failure(err::kPolicyBackoffExpInvalid);
      out.backoff_exp_base_ms = v;
      out.backoff_exp_max_ms = max;
      exp_given = true;
      i += 3;
    } else if (EqualsIgnoreCase(opt, "MAX-DELIVERIES") && has_value) {
      if (!integer(i + 1, v)) return Failure(err::kNotInteger);
      if (v < 1) return Failure(err::kPolicyMaxDeliveriesInvalid);
      out.max_deliveries = static_cast<uint64_t>(v);
      i += 2;
    } else if (EqualsIgnoreCase(opt, "DEAD-LETTER") && has_value) {
      if (args[i + 1].empty()) return Failure(err::kPolicyDeadLetterEmpty);
      if (args[i + 1] == key) return Failure(err::kPolicyDeadLetterIsSource);
      out.dead_letter_key = std::string(args[i + 1]);
      i += 2;
    } else {
      return Failure(err::kSyntax);
    }
    if (list_given && exp_given) return Failure(err::kPolicyBackoffExclusive);
  }
  return out;
}

}  // namespace server
