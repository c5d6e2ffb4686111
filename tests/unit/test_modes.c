#include "limpet.h"
#include "tests/unit/unit.h"

int
main(void)
{
	CHECK(0 == 1);
	return (unit_done());
}
