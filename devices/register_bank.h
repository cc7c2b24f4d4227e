// Memory-mapped registers, VCML style: each register has a name, an offset
// and read/write callbacks. A device owns one bank and serves its TLM target
// socket from it. Registers are 64 bits wide at 8-byte offsets; an access of
// 1, 2, 4 or 8 bytes at the register's offset reads or writes its low bytes
// (the width matters for the disk's PIO data register).
#pragma once

#include <tlm>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace iosim {

class RegisterBank {
 public:
  using ReadFn = std::function<std::uint64_t(unsigned width)>;
  using WriteFn = std::function<void(std::uint64_t value, unsigned width)>;

  // A null read function makes the register write-only (reads return 0); a
  // null write function makes it read-only (writes are ignored, as on hardware).
  void add(std::string name, std::uint64_t offset, ReadFn read, WriteFn write = nullptr) {
    regs_[offset] = Register{std::move(name), std::move(read), std::move(write)};
  }

  // Serves one transaction; sets an address error for unknown offsets or widths.
  void access(tlm::tlm_generic_payload& trans) {
    auto it = regs_.find(trans.get_address());
    unsigned width = trans.get_data_length();
    if (it == regs_.end() || !(width == 1 || width == 2 || width == 4 || width == 8)) {
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    unsigned char* data = trans.get_data_ptr();
    if (trans.is_read()) {
      std::uint64_t v = it->second.read ? it->second.read(width) : 0;
      for (unsigned i = 0; i < width; ++i)
        data[i] = static_cast<unsigned char>(v >> (8 * i));
    } else if (trans.is_write() && it->second.write) {
      std::uint64_t v = 0;
      for (unsigned i = 0; i < width; ++i)
        v |= std::uint64_t{data[i]} << (8 * i);
      it->second.write(v, width);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  // Name of the register at `offset`, for documentation and error messages.
  std::string name_at(std::uint64_t offset) const {
    auto it = regs_.find(offset);
    return it == regs_.end() ? std::string{} : it->second.name;
  }

 private:
  struct Register {
    std::string name;
    ReadFn read;
    WriteFn write;
  };
  std::map<std::uint64_t, Register> regs_;
};

}  // namespace iosim
