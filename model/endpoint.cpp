#include "model/endpoint.hpp"

namespace bras::model {

std::string udp_peer::to_string() const {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
         std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff) + ":" + std::to_string(port);
}

}  // namespace bras::model
