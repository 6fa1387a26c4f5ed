// The one way to include Boost.Asio in this project. Boost 1.74 Asio under
// C++20 with g++ 12 needs <utility> before <boost/asio.hpp>
// ("'exchange' is not a member of 'std'").
#pragma once

#include <utility>

#include <boost/asio.hpp>
