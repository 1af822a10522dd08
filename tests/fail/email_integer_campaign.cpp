// Must not compile: an e-mail campaign with integer money; a rate in int would truncate to zero.
#include <crm/metrics/email.hpp>

int main() {
  const crm::email_campaign<int> c{.sent = 10, .delivered = 10, .unique_opens = 3};
  return static_cast<int>(crm::open_rate(c).fraction);
}
