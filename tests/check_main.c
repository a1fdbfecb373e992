/*
 * check_main.c - the one Check runner: every make_<module>_suite() found
 * in the test sources (listed by the Makefile in suites.h) in one SRunner,
 */
#include <check.h>
#include <stdlib.h>

#include <igraph.h>

#define ERS_SUITE(name) Suite *make_##name##_suite(void);
#include "suites.h"
#undef ERS_SUITE

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

	igraph_set_error_handler(igraph_error_handler_ignore);
	igraph_set_warning_handler(igraph_warning_handler_ignore);
#define ERS_SUITE(name) srunner_add_suite(sr, make_##name##_suite());
#include "suites.h"
#undef ERS_SUITE
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
